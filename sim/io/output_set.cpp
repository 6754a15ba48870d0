#include "sim/io/output_set.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sim/io/utf8.h"

namespace neuromesh::io {

namespace fs = std::filesystem;

namespace {

// Staged files and folders, for the signal handler: fixed-size C strings (async-signal-safe).
constexpr size_t kMaxStaged = 64, kMaxPath = 4096;
char g_files[kMaxStaged][kMaxPath];
char g_dirs[kMaxStaged][kMaxPath];
volatile sig_atomic_t g_nfiles = 0, g_ndirs = 0;

void on_signal(int sig) {
  for (sig_atomic_t i = 0; i < g_nfiles; ++i)
    if (g_files[i][0]) ::unlink(g_files[i]);
  for (sig_atomic_t i = 0; i < g_ndirs; ++i)
    if (g_dirs[i][0]) ::rmdir(g_dirs[i]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_handlers() {
  static bool done = false;
  if (done) return;
  done = true;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    // A signal ignored by whoever started us (nohup, a background job) stays ignored.
    struct sigaction old {};
    ::sigaction(sig, nullptr, &old);
    if (old.sa_handler == SIG_IGN) continue;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

void remember(char (*table)[kMaxPath], volatile sig_atomic_t& n, const std::string& path) {
  if (n >= sig_atomic_t(kMaxStaged) || path.size() >= kMaxPath) return;
  std::memcpy(table[n], path.c_str(), path.size() + 1);
  n = n + 1;
}

void forget(char (*table)[kMaxPath], volatile sig_atomic_t n, const std::string& path) {
  for (sig_atomic_t i = 0; i < n; ++i)
    if (path == table[i]) table[i][0] = '\0';
}

// Signals held off while outputs are renamed into place (an interrupt then waits for it).
class BlockSignals {
 public:
  BlockSignals() {
    sigset_t s;
    sigemptyset(&s);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&s, sig);
    ::sigprocmask(SIG_BLOCK, &s, &old_);
  }
  ~BlockSignals() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ea, eb;
  const fs::path pa = fs::weakly_canonical(fs::absolute(a), ea);
  const fs::path pb = fs::weakly_canonical(fs::absolute(b), eb);
  if (ea || eb) return false;
  return pa == pb;
}

OutputSet::~OutputSet() {
  if (!committed_) discard();
}

std::string OutputSet::staging_dir(const std::string& parent, const std::string& what) {
  const std::string dir = (fs::path(parent) / (".neuromesh-staging-" + std::to_string(::getpid()))).string();
  for (const auto& d : dirs_)
    if (d == dir) return dir;
  install_handlers();
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw OutputError(what + " " + parent + ": cannot write there: " + std::strerror(errno));
  }
  dirs_.push_back(dir);
  remember(g_dirs, g_ndirs, dir);
  return dir;
}

size_t OutputSet::add(const std::string& path, const std::string& what) {
  if (!valid_utf8(path)) {
    throw OutputError(what + " " + printable(path) + ": the path is not valid UTF-8");
  }
  for (const auto& in : inputs_) {
    if (same_file(path, in)) {
      throw OutputError(what + " " + path + " is an input of this command (" + in +
                        "): refusing to overwrite it");
    }
  }
  for (const auto& e : entries_) {
    if (same_file(path, e.path)) {
      throw OutputError(what + " " + path + " is also " + e.what + " " + e.path);
    }
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw OutputError(what + " " + path + " is a directory; expected a file name");
  }
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  fs::create_directories(parent, ec);
  if (!fs::is_directory(parent)) {
    throw OutputError(what + " " + path + ": cannot create its folder " + parent.string() +
                      (ec ? ": " + ec.message() : std::string(" (a file is in the way)")));
  }
  const std::string staged =
      (fs::path(staging_dir(parent.string(), what)) / fs::path(path).filename()).string();
  entries_.push_back(Entry{path, staged, what});
  remember(g_files, g_nfiles, staged);
  return entries_.size() - 1;
}

void OutputSet::add_folder(const std::string& dir, const std::vector<std::string>& names,
                           const std::vector<std::string>& stale, const std::string& what) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw OutputError(what + " " + dir + " exists and is not a directory");
  }
  if (!fs::exists(dir, ec)) created_.push_back(dir);
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) {
    throw OutputError(what + " " + dir + ": cannot create it" + (ec ? ": " + ec.message() : ""));
  }
  for (const auto& n : names) add((fs::path(dir) / n).string(), what);
  for (const auto& n : stale) stale_.push_back((fs::path(dir) / n).string());
}

const OutputSet::Entry& OutputSet::find(const std::string& path) const {
  for (const auto& e : entries_)
    if (e.path == path) return e;
  throw std::logic_error("output " + path + " was not declared");
}

const std::string& OutputSet::staging(const std::string& path) const { return find(path).staged; }

std::FILE* OutputSet::open(const std::string& path) {
  Entry& e = const_cast<Entry&>(find(path));
  if (!e.stream) {
    e.stream = std::fopen(e.staged.c_str(), "wb");
    if (!e.stream) throw std::runtime_error(e.path + ": cannot write: " + std::strerror(errno));
  }
  return e.stream;
}

void OutputSet::write(const std::string& path, const std::string& text) {
  std::FILE* f = open(path);
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size()) {
    throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  }
}

void OutputSet::commit() {
  for (auto& e : entries_) {
    if (!e.stream) open(e.path);  // an output with no content is still written (empty)
    const bool flushed = std::fflush(e.stream) == 0 && ::fsync(fileno(e.stream)) == 0;
    const int err = errno;
    const bool closed = std::fclose(e.stream) == 0;
    e.stream = nullptr;
    if (!flushed || !closed) throw std::runtime_error(e.path + ": cannot write: " + std::strerror(err));
  }
  {
    BlockSignals hold;
    for (const auto& s : stale_) {
      bool written = false;
      for (const auto& e : entries_) written |= e.path == s;
      if (!written) ::unlink(s.c_str());
    }
    for (const auto& e : entries_) {
      if (std::rename(e.staged.c_str(), e.path.c_str()) != 0) {
        throw std::runtime_error(e.path + ": cannot move into place: " + std::strerror(errno));
      }
      forget(g_files, g_nfiles, e.staged);
    }
    committed_ = true;
  }
  discard();  // the (now empty) staging folders
}

void OutputSet::discard() noexcept {
  for (auto& e : entries_) {
    if (e.stream) std::fclose(e.stream), e.stream = nullptr;
    if (!committed_) ::unlink(e.staged.c_str());
    forget(g_files, g_nfiles, e.staged);
  }
  for (const auto& d : dirs_) {
    ::rmdir(d.c_str());
    forget(g_dirs, g_ndirs, d);
  }
  dirs_.clear();
  if (!committed_) {
    for (const auto& d : created_) ::rmdir(d.c_str());  // only if still empty
  }
}

}  // namespace neuromesh::io
