#include <e2ekit/fwd.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

// Only names, from the forward header: no protocol body is needed here.
namespace {
template <class P>
struct names_of;
template <class A, class R, class E>
struct names_of<e2ekit::protocols::protocol<A, R, E>> {
    using agreement = A;
    using ratchet = R;
    using envelope = E;
};
using fwd_names = names_of<e2ekit::protocols::signal_v3>;
using fwd_olm = names_of<e2ekit::protocols::olm_v1>;
// Named before they are defined: a pointer is enough.
const e2ekit::protocols::oldmemo* no_oldmemo = nullptr;
const e2ekit::protocols::twomemo* no_twomemo = nullptr;
} // namespace

// The full header afterwards: its alias must be the same type.
#include <e2ekit/protocols/oldmemo.hpp>
#include <e2ekit/protocols/olm.hpp>
#include <e2ekit/protocols/signal.hpp>
#include <e2ekit/protocols/twomemo.hpp>

TEST_CASE("fwd.hpp: declares signal_v3 as the full header defines it", "[protocols][fwd]") {
    using namespace e2ekit;
    STATIC_REQUIRE(std::is_same_v<fwd_names::agreement, protocols::signal_v3::agreement_type>);
    STATIC_REQUIRE(std::is_same_v<fwd_names::ratchet, protocols::signal_v3::ratchet_type>);
    STATIC_REQUIRE(std::is_same_v<fwd_names::envelope, protocols::signal::envelope_v3>);
}

TEST_CASE("fwd.hpp: declares olm_v1 as the full header defines it", "[protocols][fwd]") {
    using namespace e2ekit;
    STATIC_REQUIRE(std::is_same_v<fwd_olm::agreement, protocols::olm_v1::agreement_type>);
    STATIC_REQUIRE(std::is_same_v<fwd_olm::ratchet, protocols::olm_v1::ratchet_type>);
    STATIC_REQUIRE(std::is_same_v<fwd_olm::envelope, protocols::olm::envelope_v1>);
}

TEST_CASE("fwd.hpp: declares the OMEMO protocol types", "[protocols][fwd]") {
    using namespace e2ekit;
    CHECK(no_oldmemo == nullptr);
    CHECK(no_twomemo == nullptr);
    STATIC_REQUIRE(std::is_base_of_v<protocols::protocol<protocols::oldmemo::agreement_type,
                                                         protocols::oldmemo::ratchet_type,
                                                         protocols::oldmemo::envelope_type>,
                                     protocols::oldmemo>);
    STATIC_REQUIRE(std::is_same_v<session::session_backend_t<protocols::twomemo>,
                                  protocols::twomemo::session_backend>);
}
