// Test data outside the repository: ../shared/vectors (E2EKIT_VECTORS_DIR).
// Tests that need it are tagged [vectors] and begin with
// E2EKIT_REQUIRE_VECTORS(); ctest runs them apart and reports them skipped,
// never passed, when the folder is missing.
#ifndef E2EKIT_TESTS_SUPPORT_VECTORS_HPP
#define E2EKIT_TESTS_SUPPORT_VECTORS_HPP

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace e2ekit::test {

inline std::filesystem::path vectors_dir() {
#ifdef E2EKIT_VECTORS_DIR
    if (const char* env = std::getenv("E2EKIT_VECTORS_DIR"); env && *env) return env;
    return E2EKIT_VECTORS_DIR;
#else
    return {};
#endif
}

inline bool vectors_available() {
    const auto d = vectors_dir();
    return !d.empty() && std::filesystem::is_directory(d / "wycheproof");
}

inline nlohmann::json load_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) throw std::runtime_error("cannot open " + p.string());
    return nlohmann::json::parse(in);
}

inline nlohmann::json load_vectors(const std::string& relative) {
    return load_json(vectors_dir() / relative);
}

/// Hex decoding written apart from the code under test.
inline std::vector<std::uint8_t> unhex(const std::string& s) {
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::invalid_argument("bad hex in test data");
    };
    if (s.size() % 2) throw std::invalid_argument("odd hex in test data");
    std::vector<std::uint8_t> out(s.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(nib(s[2 * i]) << 4 | nib(s[2 * i + 1]));
    return out;
}

template <class Bytes>
std::string tohex(const Bytes& b) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    for (auto c : b) {
        s += d[static_cast<std::uint8_t>(c) >> 4];
        s += d[static_cast<std::uint8_t>(c) & 15];
    }
    return s;
}

/// Tally of a Wycheproof file: every `valid` case must pass, every `invalid`
/// one must be rejected; `acceptable` cases are counted by what we chose.
struct wycheproof_tally {
    int valid = 0, invalid = 0, acceptable_accepted = 0, acceptable_rejected = 0;
};

/// Calls f(group, test) for each case and checks its verdict against the
/// file's `result`. f returns true when e2ekit accepted the case.
template <class F>
wycheproof_tally run_wycheproof(const std::string& file, F&& f);

} // namespace e2ekit::test

#define E2EKIT_REQUIRE_VECTORS()                                                                   \
    do {                                                                                           \
        if (!::e2ekit::test::vectors_available()) {                                                \
            WARN("skipped: no vectors at " << ::e2ekit::test::vectors_dir());                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

template <class F>
e2ekit::test::wycheproof_tally e2ekit::test::run_wycheproof(const std::string& file, F&& f) {
    const auto doc = load_vectors("wycheproof/" + file);
    wycheproof_tally t;
    for (const auto& group : doc.at("testGroups")) {
        for (const auto& tc : group.at("tests")) {
            const std::string verdict = tc.at("result");
            const bool accepted = f(group, tc);
            INFO(file << " tcId " << tc.at("tcId").get<int>() << " (" << verdict
                      << "): " << tc.at("comment").get<std::string>());
            if (verdict == "valid") {
                CHECK(accepted);
                ++t.valid;
            } else if (verdict == "invalid") {
                CHECK_FALSE(accepted);
                ++t.invalid;
            } else {
                ++(accepted ? t.acceptable_accepted : t.acceptable_rejected);
            }
        }
    }
    CHECK(t.valid + t.invalid + t.acceptable_accepted + t.acceptable_rejected > 0);
    return t;
}

#endif
