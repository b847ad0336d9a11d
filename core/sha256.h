// SHA-256 of inputs and outputs, for manifests: an auditor checks a file
// with `sha256sum` and gets the same hex digest the manifest records.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace parcours {

// Incremental SHA-256 (OpenSSL EVP).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // The 64 lowercase hex digits; the object then starts afresh.
  std::string hex();
  // Bytes hashed since the last hex().
  int64_t size() const { return size_; }

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  int64_t size_ = 0;
};

std::string sha256_hex(std::string_view bytes);

// Hashes what can be read from `fd` (up to its end) into *hex and *size;
// when `copy_to` >= 0 the bytes are also written there (a reader that
// goes away stops the copy, not the hash). Returns false with *err set on a
// read error; a failed copy sets *copy_err instead.
bool sha256_fd(int fd, std::string* hex, int64_t* size, std::string* err, int copy_to = -1,
               int* copy_err = nullptr);
// The same for the file at `path`.
bool sha256_file(const std::string& path, std::string* hex, int64_t* size, std::string* err);

}  // namespace parcours
