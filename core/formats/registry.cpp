#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/diag.h"
#include "core/formats/format.h"

namespace parcours {

const std::vector<FormatInfo>& formats() {
  static const std::vector<FormatInfo> kFormats = {
      {"asterisk-cdr", "Asterisk cdr_csv Master.csv (16 to 21 columns, no header; legs by linkedid)", make_asterisk_cdr},
      {"freeswitch-cdr", "FreeSWITCH mod_cdr_csv, 'example' template (A and B legs by bleg_uuid)", make_freeswitch_cdr},
      {"connect-ctr", "Amazon Connect contact trace records (JSON lines or arrays)", make_connect_ctr},
      {"genesys", "Genesys Cloud analytics conversation details (conversations array)", make_genesys},
      {"zendesk", "Zendesk ticket exports (tickets arrays, or one ticket per line)", make_zendesk},
      {"mbox", "email in mbox files (mboxo, mboxrd, Gmail Takeout)", make_mbox},
      {"eml", "email, one message per .eml file", make_eml},
      {"csv", "any delimited export described by a --map file (mail, counter, IVR, web, fax, social)", make_csv},
  };
  return kFormats;
}

bool read_all(const std::string& path, std::string* out, std::string* err) {
  const int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = fmt_errno("cannot open", errno);
    return false;
  }
  out->clear();
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errno == EISDIR ? "is a directory; name the files inside it" : fmt_errno("read error", errno);
      if (fd != 0) ::close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  if (fd != 0) ::close(fd);
  return true;
}

}  // namespace parcours
