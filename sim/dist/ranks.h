// The processes of one run. Launched by mpirun (Open MPI, or any launcher that sets the PMI
// environment), a run is spread over MPI's world: every rank loads and maps the same inputs,
// owns a share of the system's chips (sim/dist/partition.h) and exchanges spikes with the others
// at each step boundary. Launched on its own, the run is one rank and MPI is never initialised,
// so every command behaves as in a build without MPI. This is the only file that knows MPI.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuromesh::dist {

// A rank other than 0 leaves with this status and prints nothing: rank 0 reports the error.
struct QuietExit : std::runtime_error {
  explicit QuietExit(int s) : std::runtime_error("quiet exit"), status(s) {}
  int status;
};

class Ranks {
 public:
  // Called once from main: joins MPI's world when launched by mpirun. Throws std::runtime_error
  // when launched by mpirun with several processes and this build has no MPI.
  static void init(int& argc, char**& argv);
  static void finalize();
  static Ranks& world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }
  // Processes of this run on this machine (to share its cores between their threads).
  int local_size() const { return local_size_; }
  static bool built_with_mpi();
  // Which MPI library this build uses ("Open MPI v4.1.4, ..."), or "none".
  static std::string library();

  // Collectives: every rank calls them in the same order.
  // Each rank's `mine` concatenated in rank order into `all`; counts[r] is rank r's length.
  void all_gather(const std::vector<uint32_t>& mine, std::vector<uint32_t>& all, std::vector<int>& counts);
  void all_gather(const std::vector<uint64_t>& mine, std::vector<uint64_t>& all, std::vector<int>& counts);
  // out[r] goes to rank r; `in` receives every rank's words for this one, in rank order
  // (counts[r] from rank r).
  void all_to_all(const std::vector<std::vector<uint64_t>>& out, std::vector<uint64_t>& in, std::vector<int>& counts);
  // The smallest of the ranks' values, on every rank.
  uint64_t min(uint64_t v);
  // Element-wise sums over ranks, in place, on every rank.
  void sum(std::vector<int64_t>& v);
  void sum(std::vector<uint64_t>& v);
  // The largest of the ranks' values, on every rank.
  int max(int v);
  double max(double v);

  // Leaves every rank with `status` (an error after the ranks started exchanging: the others
  // would otherwise wait for this one for ever).
  [[noreturn]] void abort(int status);
  // Set once the ranks exchange data: an error from then on aborts the whole run.
  bool lockstep = false;
  // Ranks other than 0 print nothing (their stdout and stderr go to /dev/null: rank 0 speaks for
  // the run); an error that aborts the run is written here, this rank's own stderr.
  void print_error(const std::string& text) const;

 private:
  int rank_ = 0, size_ = 1, local_size_ = 1;
  int stderr_fd_ = 2;
  bool mpi_ = false;
};

}  // namespace neuromesh::dist
