// The DIMP vectors (../shared/vectors/dimp, made with the reference Python
// implementation; see its README.md): loading, lookups by label, and the
// list of checks.json entries each test file reproduces.
#ifndef E2EKIT_TESTS_SUPPORT_DIMP_VECTORS_HPP
#define E2EKIT_TESTS_SUPPORT_DIMP_VECTORS_HPP

#include <tests/support/vectors.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::test::dimp {

/// A vectors file, with members in file order (ordered_json) so that a
/// content map can be written back in the reference's order.
inline nlohmann::ordered_json load_ordered(const std::string& name) {
    std::ifstream in(vectors_dir() / "dimp" / name);
    if (!in) throw std::runtime_error("cannot open dimp/" + name);
    return nlohmann::ordered_json::parse(in);
}

/// The same, as the library's own JSON type reads it.
inline nlohmann::json load(const std::string& name) {
    return load_vectors("dimp/" + name);
}

/// The entry of `array` whose `key` member is `value`.
template <class Json>
const Json& by(const Json& array, std::string_view key, std::string_view value) {
    for (const auto& e : array)
        if (e.contains(std::string(key)) && e.at(std::string(key)).is_string() &&
            e.at(std::string(key)).template get<std::string>() == value)
            return e;
    throw std::runtime_error("no vector entry with " + std::string(key) + " = " +
                             std::string(value));
}

/// The `checks.json` names, for the files that reproduce them.
inline std::vector<std::string> check_names() {
    std::vector<std::string> out;
    const auto doc = load("checks.json");
    for (const auto& c : doc.at("checks"))
        out.push_back(c.at("check").get<std::string>());
    return out;
}

inline bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}
inline bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

/// A DER ECDSA signature's (r, s) as big-endian integers without leading
/// zeros, read apart from the code under test (SEC 1 §C.8).
struct ecdsa_rs {
    std::vector<std::uint8_t> r, s;
};
inline ecdsa_rs parse_der_signature(const std::vector<std::uint8_t>& der) {
    auto integer = [&](std::size_t& i) {
        if (der.at(i) != 0x02) throw std::runtime_error("not a DER INTEGER");
        const std::size_t n = der.at(i + 1);
        std::vector<std::uint8_t> v(der.begin() + static_cast<std::ptrdiff_t>(i + 2),
                                    der.begin() + static_cast<std::ptrdiff_t>(i + 2 + n));
        while (!v.empty() && v.front() == 0)
            v.erase(v.begin());
        i += 2 + n;
        return v;
    };
    if (der.at(0) != 0x30) throw std::runtime_error("not a DER SEQUENCE");
    std::size_t i = 2;
    ecdsa_rs out;
    out.r = integer(i);
    out.s = integer(i);
    return out;
}

} // namespace e2ekit::test::dimp

#endif
