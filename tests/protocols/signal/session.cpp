#include <e2ekit/protocols/signal/session.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;

namespace {

using spk_t = identity::signed_prekey<sig::x3dh_params>;
using otk_t = identity::one_time_prekey<sig::x3dh_params>;

struct pair_fixture {
    testing::deterministic_random rng{9};
    sig::key_pair alice_id = crypto::x25519::generate(rng);
    sig::key_pair bob_id = crypto::x25519::generate(rng);
    spk_t spk = spk_t::generate(bob_id, 4, 0, rng);
    std::vector<otk_t> otks = otk_t::generate(1, 2, rng);
    sig::session_state alice;
    sig::session_state bob;

    template <class Step>
    static auto commit_into(sig::session_state& into, Step step) {
        auto out = std::move(step).commit([&](const sig::session_state& s) {
            into = s.clone();
            return ok();
        });
        REQUIRE(out);
        return std::move(*out);
    }

    sig::outgoing send(sig::session_state& from, std::string_view text) {
        auto e = sig::encrypt(from, as_bytes(text), rng);
        REQUIRE(e);
        return commit_into(from, std::move(*e));
    }

    void start() {
        auto a =
            sig::initiate(alice_id, 11, identity::make_bundle(bob_id, 22, 1, spk, &otks[0]), rng);
        REQUIRE(a);
        alice = std::move(*a);
        auto first = send(alice, "hello");
        REQUIRE(first.type == sig::message_type::prekey);
        auto m = sig::parse_prekey_signal_message(first.body);
        REQUIRE(m);
        CHECK(m->registration_id == 11);
        CHECK(m->prekey_id == 1u);
        CHECK(m->signed_prekey_id == 4);
        auto d = sig::accept({bob_id, 22, spk.keys, &otks[0].keys}, *m);
        REQUIRE(d);
        auto pt = commit_into(bob, std::move(*d));
        CHECK(as_chars(pt.view()) == "hello");
    }

    static bytes stored(const sig::session_state& s) {
        auto b = sig::double_ratchet::serialize(s.ratchet);
        return bytes(b.data(), b.data() + b.size());
    }
};

} // namespace

TEST_CASE("signal session: both ways, pre-key messages until answered",
          "[protocols][signal][session]") {
    pair_fixture f;
    f.start();
    // Alice has not heard from Bob yet: still pre-key messages.
    auto again = f.send(f.alice, "again");
    CHECK(again.type == sig::message_type::prekey);
    auto m = sig::parse_prekey_signal_message(again.body);
    REQUIRE(m);
    CHECK(m->base_key == f.bob.base_key); // names the session Bob has
    auto d = sig::decrypt(f.bob, m->message);
    REQUIRE(d);
    CHECK(as_chars(f.commit_into(f.bob, std::move(*d)).view()) == "again");

    auto reply = f.send(f.bob, "reply");
    CHECK(reply.type == sig::message_type::signal);
    auto r = sig::decrypt(f.alice, reply.body);
    REQUIRE(r);
    CHECK(as_chars(f.commit_into(f.alice, std::move(*r)).view()) == "reply");
    CHECK_FALSE(f.alice.unacknowledged);
    CHECK(f.send(f.alice, "now plain").type == sig::message_type::signal);
}

TEST_CASE("signal session: bad input fails typed and changes nothing",
          "[protocols][signal][session]") {
    pair_fixture f;
    f.start();
    auto msg = f.send(f.bob, "to alice");
    const bytes before = pair_fixture::stored(f.alice);

    SECTION("bad MAC") {
        bytes t = msg.body;
        t.back() ^= 1;
        auto r = sig::decrypt(f.alice, t);
        REQUIRE_FALSE(r);
        CHECK(r.error() == envelope::envelope_error::authentication_failed);
        CHECK(r.error() == condition::authentication_failed);
    }
    SECTION("wrong identity") {
        auto other = f.alice.clone();
        other.remote_identity[3] ^= 1;
        auto r = sig::decrypt(other, msg.body);
        REQUIRE_FALSE(r);
        CHECK(r.error() == envelope::envelope_error::authentication_failed);
    }
    SECTION("truncated") {
        auto r = sig::decrypt(f.alice, bytes_view(msg.body).first(5));
        REQUIRE_FALSE(r);
        CHECK(r.error() == envelope::envelope_error::truncated);
    }
    SECTION("wrong version") {
        bytes t = msg.body;
        t[0] = 0x43;
        CHECK(sig::decrypt(f.alice, t).error() == envelope::envelope_error::unknown_version);
    }
    SECTION("replayed") {
        auto r = sig::decrypt(f.alice, msg.body);
        REQUIRE(r);
        f.commit_into(f.alice, std::move(*r));
        const bytes after = pair_fixture::stored(f.alice);
        auto again = sig::decrypt(f.alice, msg.body);
        REQUIRE_FALSE(again);
        CHECK(again.error() == ratchet::ratchet_error::duplicate_message);
        CHECK(pair_fixture::stored(f.alice) == after);
        return;
    }
    CHECK(pair_fixture::stored(f.alice) == before);
    // And the genuine message still decrypts afterwards.
    CHECK(sig::decrypt(f.alice, msg.body));
}

TEST_CASE("signal session: no plaintext when the commit fails", "[protocols][signal][session]") {
    pair_fixture f;
    f.start();
    auto msg = f.send(f.bob, "secret");
    auto d = sig::decrypt(f.alice, msg.body);
    REQUIRE(d);
    auto out = std::move(*d).commit([](const sig::session_state&) -> result<void> {
        return std::make_error_code(std::errc::io_error);
    });
    REQUIRE_FALSE(out);
    CHECK(out.error() == std::errc::io_error);
}
