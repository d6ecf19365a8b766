// JSON: parsing never throws or recurses past the bound, canonical text is
// a fixed point that parses back to an equal document, and described JSON
// decoding is a left inverse of encoding.
#include <e2ekit/codec/json.hpp>
#include <e2ekit/codec/json_message.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace e2ekit;
namespace json = e2ekit::codec::json;

namespace fz {
struct device_keys {
    std::string user_id;
    std::vector<std::string> algorithms;
    bytes key;
    std::optional<std::uint32_t> version;
    std::optional<bool> verified;
    std::vector<device_keys> others;
    friend bool operator==(const device_keys&, const device_keys&) = default;
    friend constexpr auto describe(codec::tag<device_keys>) {
        using namespace codec;
        using D = device_keys;
        return fields(required<0, kind::string>("user_id", &D::user_id),
                      field<0, kind::repeated<kind::string>>("algorithms", &D::algorithms),
                      field<0, kind::bytes>("key", &D::key),
                      field<0, kind::uint32>("version", &D::version),
                      field<0, kind::boolean>("verified", &D::verified),
                      field<0, kind::repeated<kind::message>>("others", &D::others));
    }
};
} // namespace fz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = as_chars(bytes_view(data, size));
    const auto doc = json::parse(text, {.max_size = 1 << 16, .max_depth = 32});
    if (!doc) return 0;
    const auto c = json::canonical(*doc);
    if (c) {
        const auto again = json::canonicalize(*c);
        if (!again || *again != *c) std::abort();
        const auto reparsed = json::parse(*c);
        if (!reparsed || !(*reparsed == *doc)) std::abort();
    }
    if (const auto d = json::decode<fz::device_keys>(*doc)) {
        const auto j = json::encode(*d);
        const auto back = json::decode<fz::device_keys>(j);
        if (!back || !(*back == *d)) std::abort();
        // Parsed strings are UTF-8 and uint32 fits 2^53: always canonical.
        if (!json::canonical(j)) std::abort();
    }
    return 0;
}
