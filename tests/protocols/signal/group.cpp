#include <e2ekit/protocols/signal/group.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;

namespace {

struct group_fixture {
    testing::deterministic_random rng{41};
    sig::sender_key_record sender = sig::create_sender_key(rng);
    sig::sender_key_record member;

    group_fixture() {
        auto d = sig::distribution_message(sender);
        REQUIRE(d);
        auto m = sig::process_distribution(member, d->view());
        REQUIRE(m);
        member = std::move(*m);
    }

    bytes send(std::string_view text) {
        auto e = sig::group_encrypt(sender, as_bytes(text), rng);
        REQUIRE(e);
        auto [next, out] = std::move(*e).split();
        sender = std::move(next);
        return out;
    }

    result<std::string> receive(bytes_view m) {
        E2EKIT_TRY(d, sig::group_decrypt(member, m));
        auto [next, pt] = std::move(d).split();
        member = std::move(next);
        return std::string(as_chars(pt.view()));
    }

    bytes stored() const {
        auto s = sig::serialize(member);
        return bytes(s.data(), s.data() + s.size());
    }
};

std::string got(const result<std::string>& r) {
    return r ? *r : "error: " + r.error().message();
}

} // namespace

TEST_CASE("signal group: messages in and out of order, replays refused",
          "[protocols][signal][group]") {
    group_fixture f;
    std::vector<bytes> m;
    for (int i = 0; i < 8; ++i)
        m.push_back(f.send("m" + std::to_string(i)));
    for (int i : {2, 0, 7, 1, 3, 6, 5, 4})
        CHECK(got(f.receive(m[static_cast<std::size_t>(i)])) == "m" + std::to_string(i));
    CHECK(f.receive(m[3]).error() == ratchet::ratchet_error::duplicate_message);

    auto parsed = sig::parse_sender_key_message(m[0]);
    REQUIRE(parsed);
    CHECK(parsed->key_id == f.sender.states[0].key_id);
    CHECK(parsed->iteration == 0);
    CHECK(m[0][0] == 0x33);
    CHECK(parsed->signature.size() == 64);
}

TEST_CASE("signal group: a distribution message read twice changes nothing",
          "[protocols][signal][group]") {
    group_fixture f;
    auto d0 = sig::distribution_message(f.sender);
    REQUIRE(d0);
    const bytes first = f.send("one");
    REQUIRE(f.receive(first));
    auto again = sig::process_distribution(f.member, d0->view());
    REQUIRE(again);
    CHECK(*again == f.member);
    // A later distribution of the same key (iteration 1) is the same state.
    auto d1 = sig::distribution_message(f.sender);
    REQUIRE(d1);
    auto d = sig::parse_sender_key_distribution(d1->view());
    REQUIRE(d);
    CHECK(d->iteration == 1);
}

TEST_CASE("signal group: at most five sender states", "[protocols][signal][group]") {
    testing::deterministic_random rng{42};
    sig::sender_key_record member;
    std::vector<std::uint32_t> ids;
    for (int i = 0; i < 7; ++i) {
        auto own = sig::create_sender_key(rng);
        ids.push_back(own.states[0].key_id);
        auto d = sig::distribution_message(own);
        REQUIRE(d);
        auto m = sig::process_distribution(member, d->view());
        REQUIRE(m);
        member = std::move(*m);
    }
    REQUIRE(member.states.size() == 5);
    CHECK(member.states.front().key_id == ids.back());
    CHECK(member.states.back().key_id == ids[2]);
    CHECK_FALSE(member.states.front().signing_private);
    // A member cannot send with a sender's state.
    CHECK(sig::group_encrypt(member, as_bytes("x"), rng).error() == sig::signal_error::no_session);
}

TEST_CASE("signal group: bad input fails typed and changes nothing", "[protocols][signal][group]") {
    group_fixture f;
    const bytes msg = f.send("hello");
    const bytes before = f.stored();

    SECTION("forged signature") {
        bytes t = msg;
        t.back() ^= 0x01;
        CHECK(f.receive(t).error() == envelope::envelope_error::authentication_failed);
    }
    SECTION("signed by another key with the same id") {
        testing::deterministic_random other_rng{43};
        auto forger = sig::create_sender_key(other_rng);
        forger.states[0].key_id = f.sender.states[0].key_id;
        auto e = sig::group_encrypt(forger, as_bytes("forged"), other_rng);
        REQUIRE(e);
        CHECK(f.receive(std::move(*e).release()).error() ==
              envelope::envelope_error::authentication_failed);
    }
    SECTION("changed ciphertext") {
        bytes t = msg;
        t[t.size() - 70] ^= 0x01;
        CHECK(f.receive(t).error() == envelope::envelope_error::authentication_failed);
    }
    SECTION("unknown sender key") {
        testing::deterministic_random other_rng{44};
        auto stranger = sig::create_sender_key(other_rng);
        auto e = sig::group_encrypt(stranger, as_bytes("who"), other_rng);
        REQUIRE(e);
        CHECK(f.receive(std::move(*e).release()).error() == sig::signal_error::no_session);
    }
    SECTION("truncated") {
        CHECK(f.receive(bytes_view(msg).first(40)).error() == envelope::envelope_error::truncated);
        CHECK_FALSE(f.receive(bytes_view(msg).first(msg.size() - 1)));
    }
    SECTION("wrong version") {
        bytes t = msg;
        t[0] = 0x23;
        CHECK(f.receive(t).error() == envelope::envelope_error::legacy_version);
    }
    SECTION("too far ahead") {
        for (int i = 0; i < 2001; ++i)
            (void)f.send("skip");
        const bytes far = f.send("far");
        CHECK(f.receive(far).error() == ratchet::ratchet_error::too_far_ahead);
    }
    CHECK(f.stored() == before);
    CHECK(got(f.receive(msg)) == "hello");
}

TEST_CASE("signal group: distribution message and record parsing", "[protocols][signal][group]") {
    group_fixture f;
    auto d = sig::distribution_message(f.sender);
    REQUIRE(d);
    const bytes dist(d->data(), d->data() + d->size());
    for (std::size_t n = 0; n < dist.size(); ++n) {
        auto p = sig::parse_sender_key_distribution(bytes_view(dist).first(n));
        CHECK_FALSE(p);
    }
    bytes bad_key = dist;
    bad_key[bad_key.size() - 33] = 0x06; // the signing key's type byte
    CHECK(sig::parse_sender_key_distribution(bad_key).error() ==
          envelope::envelope_error::invalid_key);

    (void)f.receive(f.send("one"));
    for (const auto* r : {&f.sender, &f.member}) {
        auto s = sig::serialize(*r);
        auto back = sig::parse_sender_key_record(s.view());
        REQUIRE(back);
        CHECK(*back == *r);
    }
    CHECK(sig::parse_sender_key_record(bytes{0x08, 0x01, 0x12, 0x01, 0x78}).error() ==
          sig::signal_error::unsupported_record);
    CHECK(sig::parse_sender_key_record(bytes{0xff}).error() == sig::signal_error::bad_record);
}
