#include <boost/test/unit_test.hpp>

#include <string>

#include "core/identity.h"
#include "core/manifest.h"
#include "core/sha256.h"

using namespace parcours;

BOOST_AUTO_TEST_SUITE(manifest)

// FIPS 180-2 appendix B and the usual empty-message vector.
BOOST_AUTO_TEST_CASE(sha256_known_vectors) {
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_TEST(sha256_hex(std::string(1000000, 'a')) ==
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(sha256_in_pieces_is_the_same) {
  Sha256 h;
  h.update("abcdbcdecdefdefgefgh");
  h.update("");
  h.update("fghighijhijkijkljklmklmnlmnomnopnopq");
  BOOST_TEST(h.size() == 56);
  BOOST_TEST(h.hex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // hex() starts afresh.
  BOOST_TEST(h.size() == 0);
  BOOST_TEST(h.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// RFC 4231 test case 2: what anonymize and link --hash-key compute.
BOOST_AUTO_TEST_CASE(hmac_known_vector) {
  BOOST_TEST(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

namespace {

Manifest sample() {
  Manifest m;
  m.tool = "stats";
  m.version = "0.1.0";
  m.options.set("window", Json::of_string("7d"));
  m.options.set("any-service", Json::of_bool(false));
  m.options.set("as-of", Json::null());
  Json ours = Json::new_array();
  ours.array.push_back(Json::of_string("a.ca"));
  m.options.set("ours", ours);
  m.parameters.set("crosswalk", Json::new_object()).set("path", Json::of_string("x \"q\".csv"));
  m.parameters.set("max_fanout", Json::of_int(1));
  m.inputs.push_back({"a.ndjson", 12, std::string(64, 'a'), {{"read", 3}, {"accepted", 2}, {"rejected", 1}}});
  m.counts = {{"read", 3}, {"contacts", 2}};
  m.outputs.push_back({"-", 40, std::string(64, 'b'), {}});
  m.status = 1;
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_shape_is_fixed) {
  const std::string want = R"({
  "manifest": 1,
  "tool": "stats",
  "version": "0.1.0",
  "options": {
    "window": "7d",
    "any-service": false,
    "as-of": null,
    "ours": [
      "a.ca"
    ]
  },
  "parameters": {
    "crosswalk": {
      "path": "x \"q\".csv"
    },
    "max_fanout": 1
  },
  "inputs": [
    {
      "path": "a.ndjson",
      "size": 12,
      "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "read": 3,
      "accepted": 2,
      "rejected": 1
    }
  ],
  "counts": {
    "read": 3,
    "contacts": 2
  },
  "outputs": [
    {
      "path": "-",
      "size": 40,
      "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    }
  ],
  "status": 1
}
)";
  BOOST_TEST(manifest_json(sample()) == want);
}

BOOST_AUTO_TEST_CASE(parse_gives_back_what_was_written) {
  const std::string text = manifest_json(sample());
  Manifest m;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_manifest(text, &m, &err), err);
  BOOST_TEST(manifest_json(m) == text);
  BOOST_TEST(m.inputs.at(0).counts.size() == 3u);
  BOOST_TEST(m.options.get("window")->string == "7d");
}

BOOST_AUTO_TEST_CASE(parse_errors_name_the_key) {
  Manifest m;
  std::string err;
  BOOST_TEST(!parse_manifest("[1]", &m, &err));
  BOOST_TEST(err == "the manifest: expected an object");
  BOOST_TEST(!parse_manifest("{\"manifest\": 2}", &m, &err));
  BOOST_TEST(err == "manifest: format 2 is not known to this version (it reads format 1)");
  std::string text = manifest_json(sample());
  text.replace(text.find("\"size\": 12"), 10, "\"size\": 1.5");
  BOOST_TEST(!parse_manifest(text, &m, &err));
  BOOST_TEST(err == "inputs[0].size: numbers must be whole");
  text = manifest_json(sample());
  text.replace(text.find("\"sha256\": \"b"), 11, "\"sha256\": 7, \"x\": \"");
  BOOST_TEST(!parse_manifest(text, &m, &err));
  BOOST_TEST(err == "outputs[0].sha256: expected a string");
  BOOST_TEST(!parse_manifest("{\"manifest\": 1,", &m, &err));
  BOOST_TEST(err.rfind("not valid JSON", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
