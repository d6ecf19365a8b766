// Fuzzes the libolm pickle reader (protocols/libolm/pickle.hpp): the first
// byte picks the kind (account, Olm session, inbound or outbound group
// session, or the whole envelope under a fixed key), the rest is the
// plaintext (or the pickle text). Every outcome is a value or a typed
// pickle_error; a value's lists never hold more items than the input could
// carry.
#include <e2ekit/protocols/libolm/pickle.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace e2ekit;
namespace lo = e2ekit::protocols::libolm;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

template <class T>
void typed(const result<T>& r) {
    if (!r) require(r.error().category() == std::error_code(lo::pickle_error{}).category());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bytes_view in(data + 1, size - 1);
    switch (data[0] % 5) {
    case 0: {
        auto a = lo::parse_account_plaintext(in);
        typed(a);
        if (a) require(a->one_time_keys.size() * 69 <= in.size());
        break;
    }
    case 1: {
        auto s = lo::parse_session_plaintext(in);
        typed(s);
        if (s) require((s->receivers.size() + s->skipped.size()) * 68 <= in.size());
        break;
    }
    case 2: typed(lo::parse_inbound_group_session_plaintext(in)); break;
    case 3: typed(lo::parse_outbound_group_session_plaintext(in)); break;
    default: {
        const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
        typed(lo::parse_account(text, as_bytes("DEFAULT_PICKLE_KEY")));
        typed(lo::parse_session(text, bytes_view{}));
        break;
    }
    }
    return 0;
}
