#include <e2ekit/protocols/megolm/session.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/core/random.hpp>
#include <e2ekit/protocols/megolm/replay.hpp>
#include <e2ekit/storage/memory_store.hpp>

#include <string>
#include <vector>

// libolm is the judge of the bytes (tests/interop/megolm_c); here the
// session's rules: indexes, first known index, exports, bad input leaving
// the session as it was, stored forms, replays.

using namespace e2ekit;
namespace mg = e2ekit::protocols::megolm;

namespace {

std::vector<bytes> send(mg::outbound_session& out, int n) {
    std::vector<bytes> msgs;
    for (int i = 0; i < n; ++i) {
        auto [next, m] = mg::encrypt(out, as_bytes("message " + std::to_string(i))).split();
        out = std::move(next);
        msgs.push_back(std::move(m));
    }
    return msgs;
}

std::string read(mg::inbound_session& in, bytes_view m, std::uint32_t* index = nullptr) {
    auto step = mg::decrypt(in, m);
    REQUIRE(step);
    auto [next, d] = std::move(*step).split();
    in = std::move(next);
    if (index) *index = d.index;
    return std::string(as_chars(d.plaintext.view()));
}

} // namespace

TEST_CASE("megolm session: a member reads in any order from its first known index",
          "[protocols][megolm]") {
    testing::deterministic_random rng(3);
    auto out = mg::create_outbound(rng);
    auto key0 = mg::session_key(out);
    auto msgs = send(out, 10);
    CHECK(out.ratchet.counter == 10);

    auto in = mg::create_inbound(key0.view()).value();
    CHECK(in.verified);
    CHECK(in.first_known_index() == 0);
    std::uint32_t index = 0;
    CHECK(read(in, msgs[7], &index) == "message 7");
    CHECK(index == 7);
    CHECK(in.latest.counter == 7);
    CHECK(read(in, msgs[2]) == "message 2");
    CHECK(in.latest.counter == 7);           // reading behind keeps the latest
    CHECK(read(in, msgs[7]) == "message 7"); // the session does not judge replays

    // A member who joins later, from the session key at 10, or an export at 5.
    auto late = mg::create_inbound(mg::session_key(out).view()).value();
    CHECK(late.first_known_index() == 10);
    CHECK(mg::decrypt(late, msgs[9]).error() == mg::megolm_error::unknown_message_index);
    auto more = send(out, 1);
    CHECK(read(late, more[0]) == "message 0");
    auto exported = mg::export_at(in, 5).value();
    CHECK(mg::export_at(in, 0));
    auto imported = mg::create_inbound(exported.view()).value();
    CHECK_FALSE(imported.verified);
    CHECK(imported.first_known_index() == 5);
    CHECK(mg::decrypt(imported, msgs[4]).error() == mg::megolm_error::unknown_message_index);
    CHECK(read(imported, msgs[5]) == "message 5");
    CHECK(imported.verified); // a message signed by the session's key has decrypted
    CHECK(mg::export_at(imported, 4).error() == mg::megolm_error::unknown_message_index);
}

TEST_CASE("megolm session: bad input leaves the session as it was", "[protocols][megolm]") {
    testing::deterministic_random rng(4);
    auto out = mg::create_outbound(rng);
    auto in = mg::create_inbound(mg::session_key(out).view()).value();
    auto msgs = send(out, 3);
    const auto before = mg::serialize(in);
    auto refused = [&](bytes_view m, std::error_code want) {
        auto r = mg::decrypt(in, m);
        REQUIRE_FALSE(r);
        CHECK(std::error_code(r.error()) == want);
    };
    const auto auth = std::error_code(envelope::envelope_error::authentication_failed);
    for (std::size_t i = 0; i < msgs[1].size(); i += 5) {
        auto bad = msgs[1];
        bad[i] ^= 0x01;
        CHECK_FALSE(mg::decrypt(in, bad));
    }
    auto bad_mac = msgs[1];
    bad_mac[bad_mac.size() - 65] ^= 1;
    refused(bad_mac, auth);
    auto bad_sig = msgs[1];
    bad_sig.back() ^= 1;
    refused(bad_sig, auth);
    refused(bytes_view(msgs[1]).first(40), envelope::envelope_error::truncated);
    auto v2 = msgs[1];
    v2[0] = 2;
    refused(v2, envelope::envelope_error::legacy_version);
    // Another session's message.
    auto other = mg::create_outbound(rng);
    refused(send(other, 1)[0], auth);
    CHECK(ct::equal(mg::serialize(in).view(), before.view()));

    // Session keys: a bad signature, wrong sizes or versions.
    auto key = mg::session_key(out);
    auto forged = to_bytes(key.view());
    forged[10] ^= 1;
    CHECK(mg::create_inbound(forged).error() == envelope::envelope_error::authentication_failed);
    CHECK(mg::create_inbound(bytes_view(key.view()).first(200)).error() ==
          mg::megolm_error::bad_session_key);
    auto v3 = to_bytes(key.view());
    v3[0] = 3;
    CHECK(mg::create_inbound(v3).error() == mg::megolm_error::bad_session_key);
    CHECK(mg::create_inbound(bytes{}).error() == mg::megolm_error::bad_session_key);
}

TEST_CASE("megolm session: stored forms", "[protocols][megolm]") {
    testing::deterministic_random rng(5);
    auto out = mg::create_outbound(rng);
    (void)send(out, 4);
    auto in = mg::create_inbound(mg::session_key(out).view()).value();
    CHECK(mg::parse_outbound(mg::serialize(out).view()).value() == out);
    CHECK(mg::parse_inbound(mg::serialize(in).view()).value() == in);
    auto s = to_bytes(mg::serialize(out).view());
    s.pop_back();
    CHECK(mg::parse_outbound(s).error() == mg::megolm_error::bad_state);
    auto t = to_bytes(mg::serialize(out).view());
    t.back() ^= 1; // a public key that is not the private key's
    CHECK(mg::parse_outbound(t).error() == mg::megolm_error::bad_state);
    auto u = to_bytes(mg::serialize(in).view());
    u.back() = 2;
    CHECK(mg::parse_inbound(u).error() == mg::megolm_error::bad_state);
    CHECK(mg::parse_inbound(bytes{}).error() == mg::megolm_error::bad_state);
}

TEST_CASE("megolm replay_log: one event per (session, index)", "[protocols][megolm]") {
    storage::memory_store store;
    mg::replay_log<storage::memory_store> log(store);
    const byte_array<32> session{1, 2, 3};
    storage::batch b;
    REQUIRE(log.check(b, session, 7, "$event1"));
    REQUIRE(store.commit(b));
    storage::batch again;
    CHECK(log.check(again, session, 7, "$event1")); // the same event, read again
    CHECK(log.check(again, session, 7, "$event2").error() == mg::megolm_error::replayed);
    CHECK(log.check(again, session, 8, "$event2"));
    CHECK(log.check(again, session, 9, "").error() == storage::storage_error::invalid_key);
}
