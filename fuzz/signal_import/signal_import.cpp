// Every import of libsignal-protocol-c's stored records (protocols/signal/import.hpp) on
// the same bytes: each returns a value or an import_error, nothing else. What imports must
// survive e2ekit's own stored form unchanged, must import again unchanged from
// libsignal-protocol-c's form written back (tests/support/signal_import_records.hpp), and a
// state must take an encrypt step. Seeds: real records from libsignal-protocol-c
// (make_corpus.sh) and damaged copies.
#include <e2ekit/protocols/signal/import.hpp>

#include <tests/support/signal_import_records.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
namespace cf = e2ekit::test::signal_c_form;

template <class T>
bool imported(const result<T>& r) {
    if (!r && &r.error().category() != &category_of<sig::import_error>()) std::abort();
    return r.has_value();
}

void check_state(const sig::session_state& s) {
    auto again = sig::import_session_state(cf::encode(cf::from_state(s)));
    if (!again || !(*again == s)) std::abort();
    testing::deterministic_random rng{1};
    const byte text[] = {1, 2, 3};
    auto step = sig::encrypt(s, text, rng);
    if (!step && step.error() != ratchet::ratchet_error::chain_exhausted) std::abort();
}

void check_record(const sig::session_record& r) {
    auto stored = sig::serialize(r);
    auto back = sig::parse(stored.view());
    if (!back || !(*back == r)) std::abort();
    auto again = sig::import_session_record(cf::encode(cf::from_record(r)));
    if (!again || !(*again == r)) std::abort();
    if (r.current) check_state(*r.current);
}

bytes key33(const sig::public_key& k) {
    return cf::key33(k);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view in(data, size);

    if (auto r = sig::import_session_record(in); imported(r)) check_record(*r);
    if (auto s = sig::import_session_state(in); imported(s)) check_state(*s);

    if (auto k = sig::import_prekey(in); imported(k)) {
        auto again =
            sig::import_prekey(cf::prekey(k->id, key33(k->keys.pub), cf::raw(k->keys.priv.view())));
        if (!again || again->id != k->id || again->keys.pub != k->keys.pub ||
            !(again->keys.priv == k->keys.priv))
            std::abort();
    }
    if (auto k = sig::import_signed_prekey(in); imported(k)) {
        auto again = sig::import_signed_prekey(
            cf::signed_prekey(k->id, key33(k->keys.pub), cf::raw(k->keys.priv.view()),
                              bytes(k->signature.begin(), k->signature.end()), k->timestamp));
        if (!again || again->id != k->id || again->keys.pub != k->keys.pub ||
            !(again->keys.priv == k->keys.priv) || again->signature != k->signature ||
            again->timestamp != k->timestamp)
            std::abort();
        (void)k->verify(k->keys.pub); // a signature check on any key does not crash
    }
    if (auto k = sig::import_identity_key_pair(in); imported(k)) {
        auto again = sig::import_identity_key_pair(
            cf::identity_key_pair(key33(k->pub), cf::raw(k->priv.view())));
        if (!again || again->pub != k->pub || !(again->priv == k->priv)) std::abort();
    }
    return 0;
}
