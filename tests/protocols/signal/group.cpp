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

TEST_CASE("signal group: a replay is duplicate_message and leaves the record as it was",
          "[protocols][signal][group]") {
    group_fixture f;
    const bytes a = f.send("a");
    const bytes b = f.send("b");
    const bytes c = f.send("c");
    REQUIRE(got(f.receive(c)) == "c");
    REQUIRE(got(f.receive(a)) == "a");
    const bytes before = f.stored();
    for (const auto* m : {&a, &c})
        CHECK(f.receive(*m).error() == ratchet::ratchet_error::duplicate_message);
    CHECK(f.stored() == before);
    CHECK(got(f.receive(b)) == "b");
    CHECK(f.receive(b).error() == ratchet::ratchet_error::duplicate_message);
}

TEST_CASE("signal group: out of order within the bounds, and past them",
          "[protocols][signal][group]") {
    group_fixture f;
    constexpr std::uint32_t far = sig::sender_key_params::max_forward;
    constexpr std::size_t kept = sig::sender_key_params::max_stored_keys;
    std::vector<bytes> m;
    for (std::uint32_t i = 0; i <= 2 * far; ++i)
        m.push_back(f.send("m" + std::to_string(i)));

    // The furthest a message may reach: every key before it is kept.
    CHECK(got(f.receive(m[far])) == "m" + std::to_string(far));
    REQUIRE(f.member.states[0].chain.skipped.size() == kept);
    CHECK(got(f.receive(m[0])) == "m0");
    // Another jump as far: the oldest kept keys make room for the newest.
    CHECK(got(f.receive(m[2 * far])) == "m" + std::to_string(2 * far));
    REQUIRE(f.member.states[0].chain.skipped.size() == kept);
    // Kept were 1 .. far - 1 (0 was read), then far + 1 .. 2 far - 1 came:
    // the newest `kept` of those.
    static_assert(far == kept);
    const std::uint32_t oldest = f.member.states[0].chain.skipped.front().iteration;
    CHECK(oldest == far - 1);
    const bytes before = f.stored();
    CHECK(f.receive(m[oldest - 1]).error() == ratchet::ratchet_error::duplicate_message);
    CHECK(f.stored() == before);
    CHECK(got(f.receive(m[oldest])) == "m" + std::to_string(oldest));
    CHECK(got(f.receive(m[2 * far - 1])) == "m" + std::to_string(2 * far - 1));
}

TEST_CASE("signal group: a member who joins late reads from the distribution's iteration",
          "[protocols][signal][group]") {
    group_fixture f;
    std::vector<bytes> m;
    for (int i = 0; i < 5; ++i)
        m.push_back(f.send("m" + std::to_string(i)));
    auto d = sig::distribution_message(f.sender);
    REQUIRE(d);
    auto parsed = sig::parse_sender_key_distribution(d->view());
    REQUIRE(parsed);
    CHECK(parsed->iteration == 5);
    CHECK(parsed->key_id == f.sender.states[0].key_id);

    auto late = sig::process_distribution({}, d->view());
    REQUIRE(late);
    const bytes next = f.send("m5");
    auto r = sig::group_decrypt(*late, next);
    REQUIRE(r);
    CHECK(as_chars(std::move(*r).release().view()) == std::string_view("m5"));
    for (const auto& old : m)
        CHECK(sig::group_decrypt(*late, old).error() == ratchet::ratchet_error::duplicate_message);
    // The first member reads them all.
    for (int i = 0; i < 5; ++i)
        CHECK(got(f.receive(m[static_cast<std::size_t>(i)])) == "m" + std::to_string(i));
}

TEST_CASE("signal group: a sender's new key, with the old key's messages still in flight",
          "[protocols][signal][group]") {
    group_fixture f;
    const bytes old_msg = f.send("old");
    f.sender = sig::create_sender_key(f.rng);
    REQUIRE(f.sender.states.size() == 1);
    auto d = sig::distribution_message(f.sender);
    REQUIRE(d);
    auto m = sig::process_distribution(f.member, d->view());
    REQUIRE(m);
    f.member = std::move(*m);
    REQUIRE(f.member.states.size() == 2);
    CHECK(f.member.states[0].key_id == f.sender.states[0].key_id);
    CHECK(got(f.receive(f.send("new"))) == "new");
    CHECK(got(f.receive(old_msg)) == "old");
}

TEST_CASE("signal group: no plaintext or ciphertext when the commit fails",
          "[protocols][signal][group]") {
    group_fixture f;
    const auto refuse = [](const sig::sender_key_record&) -> result<void> {
        return std::make_error_code(std::errc::io_error);
    };
    auto e = sig::group_encrypt(f.sender, as_bytes("x"), f.rng);
    REQUIRE(e);
    auto out = std::move(*e).commit(refuse);
    REQUIRE_FALSE(out);
    CHECK(out.error() == std::errc::io_error);
    const bytes msg = f.send("y");
    auto d = sig::group_decrypt(f.member, msg);
    REQUIRE(d);
    CHECK_FALSE(std::move(*d).commit(refuse));
    // The member's record, not committed, still reads the message.
    auto again = sig::group_decrypt(f.member, msg);
    REQUIRE(again);
    sig::sender_key_record stored_record;
    auto pt = std::move(*again).commit([&](const sig::sender_key_record& r) -> result<void> {
        stored_record = r.clone();
        return {};
    });
    REQUIRE(pt);
    CHECK(as_chars(pt->view()) == std::string_view("y"));
    CHECK(sig::group_decrypt(stored_record, msg).error() ==
          ratchet::ratchet_error::duplicate_message);
}

TEST_CASE("signal group: the encoders and parsers agree", "[protocols][signal][group]") {
    group_fixture f;
    (void)f.send("advance");
    auto d = sig::distribution_message(f.sender);
    REQUIRE(d);
    auto p = sig::parse_sender_key_distribution(d->view());
    REQUIRE(p);
    CHECK(p->iteration == 1);
    CHECK(p->signing_key == f.sender.states[0].signing_public);
    CHECK(p->chain_key == f.sender.states[0].chain.chain);
    const auto again = sig::encode_sender_key_distribution(*p);
    CHECK(again == *d);

    const bytes ct(19, 0x5A);
    const bytes m = sig::encode_sender_key_message(0x7FFFFFFF, 4000000000u, ct,
                                                   *f.sender.states[0].signer, f.rng);
    auto q = sig::parse_sender_key_message(m);
    REQUIRE(q);
    CHECK(q->key_id == 0x7FFFFFFF);
    CHECK(q->iteration == 4000000000u);
    CHECK(q->ciphertext == ct);
    CHECK(q->signed_part.size() + 64 == m.size());
    CHECK(crypto::xeddsa::verify_signal_legacy(f.sender.states[0].signing_public, q->signed_part,
                                               q->signature));

    for (byte v : {byte{0x23}, byte{0x13}})
        for (bytes b : {bytes(d->data(), d->data() + d->size()), m}) {
            b[0] = v;
            CHECK(sig::parse_sender_key_distribution(b).error() ==
                  envelope::envelope_error::legacy_version);
            CHECK(sig::parse_sender_key_message(b).error() ==
                  envelope::envelope_error::legacy_version);
        }
    bytes future = m;
    future[0] = 0x43;
    CHECK(sig::parse_sender_key_message(future).error() ==
          envelope::envelope_error::unknown_version);
    CHECK(sig::parse_sender_key_distribution(bytes{}).error() ==
          envelope::envelope_error::truncated);
    CHECK(sig::parse_sender_key_distribution(bytes{0x33}).error() ==
          envelope::envelope_error::truncated);
}

TEST_CASE("signal group: the stored record is strict", "[protocols][signal][group]") {
    group_fixture f;
    // A member with two senders' states and kept keys; a sender with its own.
    testing::deterministic_random rng{45};
    auto other = sig::create_sender_key(rng);
    auto d = sig::distribution_message(other);
    REQUIRE(d);
    auto m = sig::process_distribution(f.member, d->view());
    REQUIRE(m);
    f.member = std::move(*m);
    const bytes skipped = f.send("skipped");
    REQUIRE(f.receive(f.send("later")));

    for (const auto* r : {&f.sender, &f.member}) {
        const auto s = sig::serialize(*r);
        const bytes full(s.data(), s.data() + s.size());
        auto back = sig::parse_sender_key_record(full);
        REQUIRE(back);
        CHECK(*back == *r);
        CHECK(sig::serialize(*back) == s);
        // Cut anywhere, even between two states, it is refused.
        for (std::size_t n = 0; n < full.size(); ++n)
            CHECK_FALSE(sig::parse_sender_key_record(bytes_view(full).first(n)));
    }
    // A parsed record goes on where the original was.
    auto back = sig::parse_sender_key_record(sig::serialize(f.member).view());
    REQUIRE(back);
    f.member = std::move(*back);
    CHECK(got(f.receive(skipped)) == "skipped");

    // Empty records round-trip too.
    auto empty = sig::parse_sender_key_record(sig::serialize({}).view());
    REQUIRE(empty);
    CHECK(empty->states.empty());

    // A private key that is not the public key's, and two states of one id.
    auto own = sig::serialize(f.sender);
    auto r = f.sender.clone();
    r.states[0].set_signing_public(other.states[0].signing_public);
    CHECK(sig::parse_sender_key_record(sig::serialize(r).view()).error() ==
          sig::signal_error::bad_record);
    auto twice = f.member.clone();
    twice.states[1].key_id = twice.states[0].key_id;
    CHECK(sig::parse_sender_key_record(sig::serialize(twice).view()).error() ==
          sig::signal_error::bad_record);
    auto six = f.member.clone();
    while (six.states.size() < 6) {
        six.states.push_back(six.states[0].clone());
        six.states.back().key_id = static_cast<std::uint32_t>(100 + six.states.size());
    }
    CHECK(sig::parse_sender_key_record(sig::serialize(six).view()).error() ==
          sig::signal_error::bad_record);
    CHECK(sig::parse_sender_key_record(own.view()));
}
