// The Matrix event contents around Olm and Megolm (protocols/matrix/events.hpp)
// against matrix-nio's encryption machine (nio.crypto.Olm over python-olm),
// both ways, as two clients in one room would use them:
// - e2ekit shares a Megolm session key with nio in an m.olm.v1 to-device
//   event (an m.room_key payload), then sends m.megolm.v1 room events; nio
//   accepts the key, decrypts every event and marks it verified.
// - nio shares its session key with e2ekit and sends room events; e2ekit
//   reads the m.olm.v1 content, checks the payload's sender, recipient and
//   keys, reads the room key, then reads each m.megolm.v1 content and checks
//   each payload's room.
// - The payload checks refuse what nio sent when the expectation differs
//   (another recipient, sender, key or room): `wrong_party`.
#include <e2ekit/protocols/matrix/events.hpp>

#include <tests/support/expect.hpp>
#include <tests/support/peer_process.hpp>

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/protocols/megolm/session.hpp>
#include <e2ekit/protocols/olm/account.hpp>
#include <e2ekit/protocols/olm/session.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace e2ekit;
namespace mx = e2ekit::protocols::matrix;
namespace mg = e2ekit::protocols::megolm;
namespace olm = e2ekit::protocols::olm;
using nlohmann::json;

namespace {

constexpr const char* me = "@e2ekit:example.org";
constexpr const char* my_device = "E2EKITDEV";
constexpr const char* them = "@nio:example.org";
constexpr const char* their_device = "NIODEV";
constexpr const char* room = "!room:example.org";

std::string b64(bytes_view b) {
    return codec::base64::encode<codec::base64::standard_unpadded>(b);
}
byte_array<32> key32(const json& j) {
    return codec::base64::decode_array<32, codec::base64::standard_unpadded>(j.get<std::string>())
        .value();
}
std::string text(int i) {
    return "room message " + std::to_string(i);
}

struct world {
    testing::deterministic_random& rng;
    test::peer& nio;
    olm::account account;
    byte_array<32> nio_curve{}, nio_ed{}, nio_otk{};
};

/// e2ekit sends the room key over Olm, then room events; nio reads them.
void e2ekit_sends(world& w) {
    auto session = w.account.create_outbound(w.nio_curve, w.nio_otk, w.rng).value();
    auto group = mg::create_outbound(w.rng);
    const mx::room_key key{room, group.signing_public, mg::session_key(group)};
    const mx::olm_payload payload{"m.room_key", mx::to_json(key), me, them, w.account.ed25519_key(),
                                  w.nio_ed,     my_device};
    auto [next, out] =
        olm::encrypt(session, as_bytes(mx::to_json(payload).dump()), w.rng).value().split();
    session = std::move(next);
    mx::olm_content content{w.account.curve25519_key(), {}};
    content.ciphertext[w.nio_curve] = {static_cast<std::uint8_t>(out.type), std::move(out.body)};
    const auto got =
        w.nio.ok({{"cmd", "receive_to_device"}, {"sender", me}, {"content", mx::to_json(content)}});
    E2EKIT_EXPECT(got["event"] == "m.room_key" && got["room_id"] == room &&
                  got["session_id"] == b64(group.signing_public));
    for (int i = 0; i < 40; ++i) {
        const mx::megolm_payload p{
            "m.room.message", {{"msgtype", "m.text"}, {"body", text(i)}}, room};
        auto [g, ct] = mg::encrypt(group, as_bytes(mx::to_json(p).dump())).split();
        group = std::move(g);
        const mx::megolm_content c{std::move(ct), group.signing_public, w.account.curve25519_key(),
                                   my_device};
        const auto r = w.nio.ok({{"cmd", "receive_room_event"},
                                 {"sender", me},
                                 {"room_id", room},
                                 {"event_id", "$e2ekit" + std::to_string(i)},
                                 {"content", mx::to_json(c)}});
        E2EKIT_EXPECT(r["body"] == text(i) && r["verified"] == true);
    }
}

/// nio sends its room key over Olm, then room events; e2ekit reads them.
void nio_sends(world& w) {
    const auto otks = w.account.one_time_keys();
    E2EKIT_EXPECT(otks.size() == 1);
    w.account.mark_keys_as_published();
    w.nio.ok({{"cmd", "start_olm"},
              {"curve25519", b64(w.account.curve25519_key())},
              {"one_time_key", b64(otks.at(0).key)}});
    const auto shared = w.nio.ok(
        {{"cmd", "share_room_key"}, {"room_id", room}, {"user", me}, {"device", my_device}});
    const auto content = mx::parse_olm_content(shared["content"]).value();
    E2EKIT_EXPECT(content.sender_key == w.nio_curve && content.ciphertext.size() == 1);
    const auto* mine = content.for_device(w.account.curve25519_key());
    E2EKIT_EXPECT(mine && mine->type == 0);
    if (!mine) return;
    auto [state, plaintext] =
        w.account.create_inbound(mine->body, &content.sender_key).value().split();
    w.account = std::move(state.account);
    const std::string_view pt(as_chars(plaintext.view()));
    const mx::olm_expectation expect{me, w.account.ed25519_key(), them, &w.nio_ed};
    const auto payload = mx::open_olm_payload(pt, expect).value();
    E2EKIT_EXPECT(payload.type == "m.room_key" && payload.sender_device == their_device);
    // The checks a receiver owes: each wrong expectation is refused.
    const byte_array<32> other{};
    E2EKIT_EXPECT(
        mx::open_olm_payload(pt, {"@eve:example.org", w.account.ed25519_key(), them, &w.nio_ed})
            .error() == mx::matrix_error::wrong_party);
    E2EKIT_EXPECT(mx::open_olm_payload(pt, {me, other, them, &w.nio_ed}).error() ==
                  mx::matrix_error::wrong_party);
    E2EKIT_EXPECT(
        mx::open_olm_payload(pt, {me, w.account.ed25519_key(), "@eve:example.org"}).error() ==
        mx::matrix_error::wrong_party);
    E2EKIT_EXPECT(mx::open_olm_payload(pt, {me, w.account.ed25519_key(), them, &other}).error() ==
                  mx::matrix_error::wrong_party);
    const auto key = mx::parse_room_key(payload.content).value();
    E2EKIT_EXPECT(key.room_id == room);
    auto group = mg::create_inbound(key.session_key.view()).value();
    E2EKIT_EXPECT(group.verified && group.signing_key == key.session_id);
    for (int i = 0; i < 40; ++i) {
        const auto c = mx::parse_megolm_content(w.nio.ok({{"cmd", "group_encrypt"},
                                                          {"room_id", room},
                                                          {"body", text(i)}})["content"])
                           .value();
        E2EKIT_EXPECT(c.session_id == key.session_id && c.sender_key == w.nio_curve &&
                      c.device_id == their_device);
        auto [g, d] = mg::decrypt(group, c.ciphertext).value().split();
        group = std::move(g);
        const std::string_view inner(as_chars(d.plaintext.view()));
        const auto p = mx::open_megolm_payload(inner, room).value();
        E2EKIT_EXPECT(p.type == "m.room.message" && p.content.value("body", "") == text(i));
        E2EKIT_EXPECT(mx::open_megolm_payload(inner, "!other:example.org").error() ==
                      mx::matrix_error::wrong_party);
    }
}

} // namespace

/// argv[1]: nio_peer.py.
int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const char* seed = std::getenv("E2EKIT_SEED");
    const std::uint64_t s = seed ? std::strtoull(seed, nullptr, 10) : 2026;
    testing::deterministic_random rng(s);
    test::peer nio({"/usr/bin/python3", argv[1], std::to_string(s)});
    try {
        if (!nio.call({{"cmd", "hello"}}).value("ok", false)) return 77;
    } catch (const test::failure&) {
        return 77; // matrix-nio or python-olm is not installed
    }
    try {
        world w{rng, nio, olm::account::create(rng)};
        w.account.generate_one_time_keys(1, rng);
        const auto created = nio.ok({{"cmd", "create"}, {"user", them}, {"device", their_device}});
        w.nio_curve = key32(created["keys"]["curve25519"]);
        w.nio_ed = key32(created["keys"]["ed25519"]);
        w.nio_otk = key32(created["one_time_key"]);
        nio.ok({{"cmd", "add_device"},
                {"user", me},
                {"device", my_device},
                {"curve25519", b64(w.account.curve25519_key())},
                {"ed25519", b64(w.account.ed25519_key())}});
        e2ekit_sends(w);
        nio_sends(w);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return test::expect_summary(
        "matrix events: e2ekit and matrix-nio read each other's m.olm.v1 and m.megolm.v1 "
        "contents and payloads");
}
