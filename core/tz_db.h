// The one place that looks a zone up in the IANA database (Howard Hinnant's
// date library over Debian's tzdata), for Zone (local to UTC) and
// LocalCalendar (UTC to local). Only their .cpp files include it.
#pragma once

#include <string>
#include <string_view>

#include <date/tz.h>

namespace parcours {

// The zone named `name`, or nullptr with *err saying how to name one.
const date::time_zone* locate_iana_zone(std::string_view name, std::string* err);

}  // namespace parcours
