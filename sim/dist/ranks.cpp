#include "sim/dist/ranks.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#ifdef NEUROMESH_HAVE_MPI
// MPI's C interface only (Open MPI's and MPICH's deprecated C++ bindings stay out).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace neuromesh::dist {

namespace {
Ranks g_world;

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}
// Set by mpirun (Open MPI, PMIx) or by MPICH's launcher for each process it starts.
bool launched_by_mpirun() {
  return env("OMPI_COMM_WORLD_SIZE") || env("PMIX_RANK") || env("PMI_SIZE");
}
[[maybe_unused]] int env_int(const char* name, int fallback) {
  const char* v = env(name);
  return v ? std::atoi(v) : fallback;
}
}  // namespace

Ranks& Ranks::world() { return g_world; }

bool Ranks::built_with_mpi() {
#ifdef NEUROMESH_HAVE_MPI
  return true;
#else
  return false;
#endif
}

std::string Ranks::library() {
#ifdef NEUROMESH_HAVE_MPI
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(text, &len);
  std::string s(text, size_t(len));
  const size_t cut = s.find_first_of(",\n");
  return cut == std::string::npos ? s : s.substr(0, cut);
#else
  return "none";
#endif
}

void Ranks::init(int& argc, char**& argv) {
  Ranks& w = g_world;
  if (!launched_by_mpirun()) return;
#ifdef NEUROMESH_HAVE_MPI
  MPI_Init(&argc, &argv);
  w.mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &w.rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &w.size_);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, w.rank_, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &w.local_size_);
  MPI_Comm_free(&local);
  // An error inside MPI is reported and ends the run, as any other internal error.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
  if (w.rank_ != 0) {
    std::fflush(stdout);
    std::fflush(stderr);
    w.stderr_fd_ = dup(2);
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, 1);
      dup2(null, 2);
      close(null);
    }
  }
#else
  (void)argc;
  (void)argv;
  const int size = env_int("OMPI_COMM_WORLD_SIZE", env_int("PMI_SIZE", 1));
  if (size > 1) {
    w.rank_ = env_int("OMPI_COMM_WORLD_RANK", env_int("PMI_RANK", 0));
    throw std::runtime_error("launched by mpirun with " + std::to_string(size) +
                             " processes, but this build of neuromesh has no MPI (install Debian's "
                             "libopenmpi-dev and rebuild; scripts/install-deps does): run it without mpirun");
  }
#endif
}

void Ranks::finalize() {
#ifdef NEUROMESH_HAVE_MPI
  if (g_world.mpi_) {
    MPI_Finalize();
    g_world.mpi_ = false;
  }
#endif
}

namespace {
#ifdef NEUROMESH_HAVE_MPI
template <typename T> MPI_Datatype mpi_type();
template <> MPI_Datatype mpi_type<uint32_t>() { return MPI_UINT32_T; }
template <> MPI_Datatype mpi_type<uint64_t>() { return MPI_UINT64_T; }
#endif

template <typename T>
void gather_all(bool mpi, int size, const std::vector<T>& mine, std::vector<T>& all, std::vector<int>& counts) {
  counts.assign(size_t(size), 0);
  if (!mpi) {
    all = mine;
    counts[0] = int(mine.size());
    return;
  }
#ifdef NEUROMESH_HAVE_MPI
  const int n = int(mine.size());
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  std::vector<int> displs(size_t(size), 0);
  for (int r = 1; r < size; ++r) displs[size_t(r)] = displs[size_t(r - 1)] + counts[size_t(r - 1)];
  all.resize(size_t(displs.back() + counts.back()));
  MPI_Allgatherv(mine.data(), n, mpi_type<T>(), all.data(), counts.data(), displs.data(), mpi_type<T>(),
                 MPI_COMM_WORLD);
#endif
}
}  // namespace

void Ranks::all_gather(const std::vector<uint32_t>& mine, std::vector<uint32_t>& all, std::vector<int>& counts) {
  gather_all(mpi_, size_, mine, all, counts);
}

void Ranks::all_gather(const std::vector<uint64_t>& mine, std::vector<uint64_t>& all, std::vector<int>& counts) {
  gather_all(mpi_, size_, mine, all, counts);
}

void Ranks::all_to_all(const std::vector<std::vector<uint64_t>>& out, std::vector<uint64_t>& in,
                       std::vector<int>& counts) {
  counts.assign(size_t(size_), 0);
  if (!mpi_) {
    in = out.at(0);
    counts[0] = int(in.size());
    return;
  }
#ifdef NEUROMESH_HAVE_MPI
  std::vector<int> send_counts(size_t(size_), 0), send_displs(size_t(size_), 0), recv_displs(size_t(size_), 0);
  std::vector<uint64_t> flat;
  for (int r = 0; r < size_; ++r) {
    send_displs[size_t(r)] = int(flat.size());
    send_counts[size_t(r)] = int(out[size_t(r)].size());
    flat.insert(flat.end(), out[size_t(r)].begin(), out[size_t(r)].end());
  }
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 1; r < size_; ++r) recv_displs[size_t(r)] = recv_displs[size_t(r - 1)] + counts[size_t(r - 1)];
  in.resize(size_t(recv_displs.back() + counts.back()));
  MPI_Alltoallv(flat.data(), send_counts.data(), send_displs.data(), MPI_UINT64_T, in.data(), counts.data(),
                recv_displs.data(), MPI_UINT64_T, MPI_COMM_WORLD);
#endif
}

uint64_t Ranks::min(uint64_t v) {
#ifdef NEUROMESH_HAVE_MPI
  if (mpi_) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
#endif
  return v;
}

void Ranks::sum(std::vector<int64_t>& v) {
#ifdef NEUROMESH_HAVE_MPI
  if (mpi_ && !v.empty()) MPI_Allreduce(MPI_IN_PLACE, v.data(), int(v.size()), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
#else
  (void)v;
#endif
}

void Ranks::sum(std::vector<uint64_t>& v) {
#ifdef NEUROMESH_HAVE_MPI
  if (mpi_ && !v.empty()) MPI_Allreduce(MPI_IN_PLACE, v.data(), int(v.size()), MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
#else
  (void)v;
#endif
}

int Ranks::max(int v) {
#ifdef NEUROMESH_HAVE_MPI
  if (mpi_) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
#endif
  return v;
}

double Ranks::max(double v) {
#ifdef NEUROMESH_HAVE_MPI
  if (mpi_) MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
#endif
  return v;
}

void Ranks::print_error(const std::string& text) const {
  const std::string line = (size_ > 1 ? "neuromesh: rank " + std::to_string(rank_) + ": " : std::string()) + text + "\n";
  std::cerr.flush();
  if (write(stderr_fd_, line.data(), line.size()) < 0) {
    // Nowhere left to report it.
  }
}

void Ranks::abort(int status) {
#ifdef NEUROMESH_HAVE_MPI
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::exit(status);
}

}  // namespace neuromesh::dist
