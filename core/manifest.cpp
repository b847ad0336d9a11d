#include "core/manifest.h"

#include <charconv>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/table.h"

namespace parcours {

Json::Json() = default;

Json Json::of_bool(bool b) {
  Json v;
  v.type = Type::kBool;
  v.boolean = b;
  return v;
}

Json Json::of_int(int64_t n) {
  Json v;
  v.type = Type::kInt;
  v.integer = n;
  return v;
}

Json Json::of_string(std::string_view s) {
  Json v;
  v.type = Type::kString;
  v.string.assign(s);
  return v;
}

Json Json::new_array() {
  Json v;
  v.type = Type::kArray;
  return v;
}

Json Json::new_object() {
  Json v;
  v.type = Type::kObject;
  return v;
}

const Json* Json::get(std::string_view key) const {
  for (const auto& [k, v] : object)
    if (k == key) return &v;
  return nullptr;
}

Json& Json::set(std::string_view key, Json value) {
  type = Type::kObject;
  for (auto& [k, v] : object) {
    if (k == key) {
      v = std::move(value);
      return v;
    }
  }
  object.emplace_back(std::string(key), std::move(value));
  return object.back().second;
}

namespace {

void write(std::string& out, const Json& v, int depth) {
  const std::string indent(static_cast<size_t>(2 * (depth + 1)), ' ');
  switch (v.type) {
    case Json::Type::kNull: out += "null"; return;
    case Json::Type::kBool: out += v.boolean ? "true" : "false"; return;
    case Json::Type::kInt: {
      char buf[24];
      out.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v.integer).ptr - buf));
      return;
    }
    case Json::Type::kString: append_json_string(out, v.string); return;
    case Json::Type::kArray:
      if (v.array.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (size_t i = 0; i < v.array.size(); ++i) {
        out += indent;
        write(out, v.array[i], depth + 1);
        out += i + 1 < v.array.size() ? ",\n" : "\n";
      }
      out.append(indent.size() - 2, ' ');
      out += ']';
      return;
    case Json::Type::kObject:
      if (v.object.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (size_t i = 0; i < v.object.size(); ++i) {
        out += indent;
        append_json_string(out, v.object[i].first);
        out += ": ";
        write(out, v.object[i].second, depth + 1);
        out += i + 1 < v.object.size() ? ",\n" : "\n";
      }
      out.append(indent.size() - 2, ' ');
      out += '}';
      return;
  }
}

bool convert(simdjson::dom::element e, const std::string& where, Json* out, std::string* err) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::NULL_VALUE: *out = Json::null(); return true;
    case element_type::BOOL: *out = Json::of_bool(bool(e)); return true;
    case element_type::INT64: *out = Json::of_int(int64_t(e)); return true;
    case element_type::STRING: *out = Json::of_string(std::string_view(e)); return true;
    case element_type::ARRAY: {
      *out = Json::new_array();
      size_t i = 0;
      for (simdjson::dom::element x : simdjson::dom::array(e)) {
        out->array.emplace_back();
        if (!convert(x, fmt::format("{}[{}]", where, i++), &out->array.back(), err)) return false;
      }
      return true;
    }
    case element_type::OBJECT:
      *out = Json::new_object();
      for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
        out->object.emplace_back(std::string(kv.key), Json());
        const std::string at = where.empty() ? std::string(kv.key) : fmt::format("{}.{}", where, kv.key);
        if (!convert(kv.value, at, &out->object.back().second, err)) return false;
      }
      return true;
    default:
      *err = fmt::format("{}: numbers must be whole", where.empty() ? "the document" : where);
      return false;
  }
}

void write_file(Json& obj, const ManifestFile& f) {
  obj.set("path", Json::of_string(f.path));
  obj.set("size", Json::of_int(f.size));
  obj.set("sha256", Json::of_string(f.sha256));
  for (const auto& [name, n] : f.counts) obj.set(name, Json::of_int(n));
}

bool want(const Json* v, Json::Type type, std::string_view where, std::string* err) {
  static constexpr std::string_view kNames[] = {"null", "true or false", "a whole number",
                                                "a string", "an array", "an object"};
  if (v != nullptr && v->type == type) return true;
  *err = fmt::format("{}: {}", where, v == nullptr ? "missing" : fmt::format("expected {}", kNames[int(type)]));
  return false;
}

bool read_files(const Json& root, std::string_view key, std::vector<ManifestFile>* out, std::string* err) {
  const Json* list = root.get(key);
  if (!want(list, Json::Type::kArray, key, err)) return false;
  for (size_t i = 0; i < list->array.size(); ++i) {
    const Json& f = list->array[i];
    const std::string at = fmt::format("{}[{}]", key, i);
    if (!want(&f, Json::Type::kObject, at, err)) return false;
    ManifestFile file;
    const Json* path = f.get("path");
    const Json* size = f.get("size");
    const Json* sha = f.get("sha256");
    if (!want(path, Json::Type::kString, at + ".path", err) || !want(size, Json::Type::kInt, at + ".size", err) ||
        !want(sha, Json::Type::kString, at + ".sha256", err))
      return false;
    file.path = path->string;
    file.size = size->integer;
    file.sha256 = sha->string;
    for (const auto& [name, v] : f.object) {
      if (name == "path" || name == "size" || name == "sha256") continue;
      if (!want(&v, Json::Type::kInt, fmt::format("{}.{}", at, name), err)) return false;
      file.counts.emplace_back(name, v.integer);
    }
    out->push_back(std::move(file));
  }
  return true;
}

}  // namespace

std::string to_json(const Json& v) {
  std::string out;
  write(out, v, 0);
  out += '\n';
  return out;
}

bool parse_json(std::string_view text, Json* out, std::string* err) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (const auto e = parser.parse(simdjson::padded_string(text)).get(doc); e) {
    *err = fmt::format("not valid JSON ({})", simdjson::error_message(e));
    return false;
  }
  return convert(doc, "", out, err);
}

std::string manifest_json(const Manifest& m) {
  Json root = Json::new_object();
  root.set("manifest", Json::of_int(Manifest::kFormat));
  root.set("tool", Json::of_string(m.tool));
  root.set("version", Json::of_string(m.version));
  root.set("options", m.options);
  root.set("parameters", m.parameters);
  Json& inputs = root.set("inputs", Json::new_array());
  for (const ManifestFile& f : m.inputs) write_file(inputs.array.emplace_back(Json::new_object()), f);
  Json& counts = root.set("counts", Json::new_object());
  for (const auto& [name, n] : m.counts) counts.set(name, Json::of_int(n));
  Json& outputs = root.set("outputs", Json::new_array());
  for (const ManifestFile& f : m.outputs) write_file(outputs.array.emplace_back(Json::new_object()), f);
  root.set("status", Json::of_int(m.status));
  return to_json(root);
}

bool parse_manifest(std::string_view text, Manifest* out, std::string* err) {
  Json root;
  if (!parse_json(text, &root, err)) return false;
  if (!want(&root, Json::Type::kObject, "the manifest", err)) return false;
  const Json* format = root.get("manifest");
  if (!want(format, Json::Type::kInt, "manifest", err)) return false;
  if (format->integer != Manifest::kFormat) {
    *err = fmt::format("manifest: format {} is not known to this version (it reads format {})", format->integer,
                       Manifest::kFormat);
    return false;
  }
  const Json* tool = root.get("tool");
  const Json* version = root.get("version");
  const Json* options = root.get("options");
  const Json* parameters = root.get("parameters");
  const Json* counts = root.get("counts");
  const Json* status = root.get("status");
  if (!want(tool, Json::Type::kString, "tool", err) || !want(version, Json::Type::kString, "version", err) ||
      !want(options, Json::Type::kObject, "options", err) ||
      !want(parameters, Json::Type::kObject, "parameters", err) ||
      !want(counts, Json::Type::kObject, "counts", err) || !want(status, Json::Type::kInt, "status", err))
    return false;
  out->tool = tool->string;
  out->version = version->string;
  out->options = *options;
  out->parameters = *parameters;
  out->status = status->integer;
  out->counts.clear();
  for (const auto& [name, v] : counts->object) {
    if (!want(&v, Json::Type::kInt, fmt::format("counts.{}", name), err)) return false;
    out->counts.emplace_back(name, v.integer);
  }
  out->inputs.clear();
  out->outputs.clear();
  return read_files(root, "inputs", &out->inputs, err) && read_files(root, "outputs", &out->outputs, err);
}

}  // namespace parcours
