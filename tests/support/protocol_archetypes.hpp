// Archetypes of the choices of `protocols::protocol<A, R, E>`: an agreement
// scheme and a ratchet scheme offering exactly what
// `protocols::agreement_scheme` and `protocols::ratchet_scheme` ask, over
// the DH archetype. Declarations only: they are checked, never run (the
// envelope archetype, which runs, is envelope_archetype.hpp).
#ifndef E2EKIT_TESTS_SUPPORT_PROTOCOL_ARCHETYPES_HPP
#define E2EKIT_TESTS_SUPPORT_PROTOCOL_ARCHETYPES_HPP

#include <e2ekit/protocols/agreement_scheme.hpp>
#include <e2ekit/protocols/ratchet_scheme.hpp>

#include "crypto_primitive_archetypes.hpp"

namespace e2ekit::test {

struct agreement_scheme_archetype {
    struct params {};
    using dh = archetypes::dh;
    using key_pair = dh::key_pair;
    using public_key = dh::public_key;
    struct peer_bundle {
        public_key identity_key;
    };
    struct initiated {
        agreement::agreed_keys keys;
        public_key base_key;
    };
    template <random_source R>
    static result<initiated> initiate(const key_pair&, const peer_bundle&, R&);
};
static_assert(protocols::agreement_scheme<agreement_scheme_archetype>);

struct ratchet_scheme_archetype {
    struct params {};
    using dh = archetypes::dh;
    struct state {
        state() = default;
        state(state&&) = default;
        state& operator=(state&&) = default;
        state clone() const;
    };
    struct header {};
    struct encrypted {
        header hdr;
        state next;
    };
    struct decrypted {
        state next;
    };
    template <random_source R>
    static result<encrypted> encrypt_step(const state&, R&);
    static result<decrypted> decrypt_step(const state&, const header&);
    static secret_bytes serialize(const state&);
    static result<state> parse(bytes_view);
};
static_assert(protocols::ratchet_scheme<ratchet_scheme_archetype>);

} // namespace e2ekit::test

#endif
