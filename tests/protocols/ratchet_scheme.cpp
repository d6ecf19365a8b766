#include <e2ekit/protocols/ratchet_scheme.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>

#include <tests/support/protocol_archetypes.hpp>

using namespace e2ekit;

// Near misses: each lacks exactly one requirement of ratchet_scheme.
namespace {
using base = test::ratchet_scheme_archetype;

struct no_params { // the archetype without `params`
    using dh = base::dh;
    using state = base::state;
    using header = base::header;
    using encrypted = base::encrypted;
    using decrypted = base::decrypted;
    template <random_source R>
    static result<encrypted> encrypt_step(const state&, R&);
    static result<decrypted> decrypt_step(const state&, const header&);
    static secret_bytes serialize(const state&);
    static result<state> parse(bytes_view);
};
struct no_dh : base {
    struct dh {};
};
struct copyable_state : base {
    struct state {
        state clone() const;
    };
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
struct no_clone : base {
    struct state {
        state() = default;
        state(state&&) = default;
        state& operator=(state&&) = default;
    };
};
struct no_header : base {
    using header = void;
};
struct encrypt_changes_state : base {
    template <random_source R>
    static result<encrypted> encrypt_step(state&, R&);
};
struct decrypt_without_result : base {
    static decrypted decrypt_step(const state&, const header&);
};
struct encrypted_without_next : base {
    struct encrypted {
        header hdr;
    };
    template <random_source R>
    static result<encrypted> encrypt_step(const state&, R&);
};
struct serialize_to_public_bytes : base {
    static bytes serialize(const state&);
};
struct parse_by_string : base {
    static result<state> parse(const std::string&);
};
} // namespace

TEST_CASE("protocols::ratchet_scheme: archetype, double_ratchet, near misses",
          "[protocols][concept][ratchet]") {
    STATIC_REQUIRE(protocols::ratchet_scheme<base>);
    STATIC_REQUIRE(
        protocols::ratchet_scheme<ratchet::double_ratchet<protocols::signal::ratchet_params>>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<no_params>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<no_dh>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<copyable_state>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<no_clone>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<no_header>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<encrypt_changes_state>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<decrypt_without_result>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<encrypted_without_next>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<serialize_to_public_bytes>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<parse_by_string>);
    STATIC_REQUIRE_FALSE(protocols::ratchet_scheme<protocols::signal::ratchet_params>);
}
