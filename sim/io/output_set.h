// The outputs of one command as one unit. Every output path is checked before the work starts
// (its folder is created, it must be writable, it must not be a directory, and it must not be
// one of the command's inputs); files are written into a staging folder beside their
// destination while the command runs, and commit() renames them all into place at the end,
// with SIGINT/SIGTERM/SIGHUP held off while it does. If the command fails, throws or is
// interrupted, nothing is renamed and the staged files are removed: the destination keeps
// exactly its previous files, every one of them whole.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuromesh::io {

// An output that cannot be used or would overwrite an input: bad input (exit status 2).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether two paths name the same file (after resolving `.`, `..` and symbolic links).
bool same_file(const std::string& a, const std::string& b);

class OutputSet {
 public:
  // `inputs`: the files the command reads; no output may resolve to one of them.
  explicit OutputSet(std::vector<std::string> inputs) : inputs_(std::move(inputs)) {}
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  // Declares an output file (checked now); `what` names it in messages (e.g. "--trace").
  // Returns its index.
  size_t add(const std::string& path, const std::string& what);
  // Declares a folder of outputs (`run --out DIR`): DIR is created if missing; each of `names`
  // becomes an output inside it. `stale` names files a previous run may have left there that
  // this one does not write: they are removed at commit so the folder holds one run's outputs.
  void add_folder(const std::string& dir, const std::vector<std::string>& names,
                  const std::vector<std::string>& stale, const std::string& what);

  // Where output `path` (as declared) is written until commit.
  const std::string& staging(const std::string& path) const;
  // Writes a whole output now (into its staging file).
  void write(const std::string& path, const std::string& text);
  // An open stream on an output's staging file, for outputs written as the command runs.
  std::FILE* open(const std::string& path);
  // Moves every output into place. Throws std::runtime_error if a file cannot be written.
  void commit();

 private:
  struct Entry {
    std::string path, staged, what;
    std::FILE* stream = nullptr;
  };
  const Entry& find(const std::string& path) const;
  std::string staging_dir(const std::string& parent, const std::string& what);
  void discard() noexcept;

  std::vector<std::string> inputs_;
  std::vector<Entry> entries_;
  std::vector<std::string> dirs_;    // staging folders created
  std::vector<std::string> stale_;   // files to remove at commit
  std::vector<std::string> created_; // folders this set created: removed again if left empty
  bool committed_ = false;
};

}  // namespace neuromesh::io
