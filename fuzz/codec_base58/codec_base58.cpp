// Base58 and Base58Check: decoding is canonical (encode(decode(s)) == s),
// byte strings round-trip, and the size bound holds.
#include <e2ekit/codec/base58.hpp>

#include <cstdlib>

using namespace e2ekit;
namespace b58 = e2ekit::codec::base58;
namespace b58c = e2ekit::codec::base58check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view raw(data, size);
    const auto text = as_chars(raw);
    const auto d = b58::decode(text);
    if (size > b58::default_max_chars && (d || d.error() != codec::decode_error::too_large))
        std::abort();
    if (d && b58::encode(*d) != text) std::abort();
    const auto c = b58c::decode(text);
    if (c) {
        if (!d || b58c::encode(*c) != text) std::abort();
    }
    // 700 bytes encode to at most 959 characters: within the bound.
    if (size <= 700) {
        const auto e = b58::encode(raw);
        const auto back = b58::decode(e);
        if (!back || !equal_public(*back, raw)) std::abort();
        const auto ce = b58c::encode(raw.first(size > 4 ? size - 4 : 0));
        const auto cback = b58c::decode(ce);
        if (!cback || !equal_public(*cback, raw.first(size > 4 ? size - 4 : 0))) std::abort();
    }
    return 0;
}
