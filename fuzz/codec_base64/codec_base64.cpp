// Base64: every accepted text is the unique encoding of what it decodes to,
// the secret and caller-buffer paths agree with the public one, and every
// byte string survives a round trip. The first input byte picks the variant.
#include <e2ekit/codec/base64.hpp>

#include <cstdlib>
#include <string>

using namespace e2ekit;
namespace b64 = e2ekit::codec::base64;

namespace {
#define E2EKIT_FUZZ_CHECK(c)                                                                       \
    do {                                                                                           \
        if (!(c)) std::abort();                                                                    \
    } while (0)

template <class V>
void run(std::string_view text, bytes_view raw) {
    const auto d = b64::decode<V>(text);
    const auto s = b64::decode_secret<V>(text);
    byte buf[64];
    const auto t = b64::decode_to<V>(buf, text);
    E2EKIT_FUZZ_CHECK(d.has_value() == s.has_value());
    E2EKIT_FUZZ_CHECK(!d || d.error() == s.error());
    if (d) {
        E2EKIT_FUZZ_CHECK(equal_public(*d, s->view()));
        std::string canonical(text);
        if constexpr (V::pad == b64::padding::optional)
            while (!canonical.empty() && canonical.back() == '=')
                canonical.pop_back();
        E2EKIT_FUZZ_CHECK(b64::encode<V>(*d) == canonical);
        if (d->size() <= sizeof buf)
            E2EKIT_FUZZ_CHECK(t && *t == d->size() && equal_public(bytes_view(buf, *t), *d));
        else
            E2EKIT_FUZZ_CHECK(!t && t.error() == codec::decode_error::bad_length);
        if (d->size() == 32) {
            auto k = b64::decode_secret<32, void, V>(text);
            E2EKIT_FUZZ_CHECK(k && equal_public(k->view(), *d));
        }
    } else {
        E2EKIT_FUZZ_CHECK(!t);
    }
    const auto e = b64::encode<V>(raw);
    E2EKIT_FUZZ_CHECK(e.size() == b64::encoded_size<V>(raw.size()));
    const auto back = b64::decode<V>(e);
    E2EKIT_FUZZ_CHECK(back && equal_public(*back, raw));
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bytes_view raw(data + 1, size - 1);
    const auto text = as_chars(raw);
    switch (data[0] % 6) {
    case 0: run<b64::standard>(text, raw); break;
    case 1: run<b64::standard_unpadded>(text, raw); break;
    case 2: run<b64::url>(text, raw); break;
    case 3: run<b64::url_unpadded>(text, raw); break;
    case 4: run<b64::standard_optional_padding>(text, raw); break;
    default: run<b64::url_optional_padding>(text, raw); break;
    }
    return 0;
}
