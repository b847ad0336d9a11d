#include "core/sha256.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include <openssl/evp.h>

#include "core/diag.h"

namespace parcours {

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) { EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr); }
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  if (bytes.empty()) return;
  EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
  size_ += static_cast<int64_t>(bytes.size());
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, md, &len);
  EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr);
  size_ = 0;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

bool sha256_fd(int fd, std::string* hex, int64_t* size, std::string* err, int copy_to, int* copy_err) {
  Sha256 h;
  std::vector<char> buf(1 << 20);
  bool copying = copy_to >= 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = fmt_errno("read error", errno);
      return false;
    }
    if (n == 0) break;
    h.update(std::string_view(buf.data(), static_cast<size_t>(n)));
    for (ssize_t done = 0; copying && done < n;) {
      const ssize_t w = ::write(copy_to, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        if (copy_err != nullptr) *copy_err = errno;
        copying = false;
        break;
      }
      done += w;
    }
  }
  *size = h.size();
  *hex = h.hex();
  return true;
}

bool sha256_file(const std::string& path, std::string* hex, int64_t* size, std::string* err) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = fmt_errno("cannot open", errno);
    return false;
  }
  const bool ok = sha256_fd(fd, hex, size, err);
  ::close(fd);
  return ok;
}

}  // namespace parcours
