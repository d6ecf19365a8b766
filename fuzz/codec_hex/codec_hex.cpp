// Hex: an accepted text is the encoding of its bytes up to case, the secret
// and caller-buffer paths agree, and every byte string round-trips.
#include <e2ekit/codec/hex.hpp>

#include <cctype>
#include <cstdlib>
#include <string>

using namespace e2ekit;
namespace hex = e2ekit::codec::hex;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view raw(data, size);
    const auto text = as_chars(raw);
    const auto d = hex::decode(text);
    const auto s = hex::decode_secret(text);
    byte buf[32];
    const auto t = hex::decode_to(buf, text);
    if (d.has_value() != s.has_value()) std::abort();
    if (d) {
        std::string lower(text);
        for (auto& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (hex::encode(*d) != lower || !equal_public(*d, s->view())) std::abort();
        if (d->size() <= sizeof buf && !(t && equal_public(bytes_view(buf, *t), *d))) std::abort();
    } else if (d.error() != s.error() || t) {
        std::abort();
    }
    const auto back = hex::decode(hex::encode(raw));
    if (!back || !equal_public(*back, raw)) std::abort();
    return 0;
}
