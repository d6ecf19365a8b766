// Olm's decoders on attacker bytes: the messages (protocols/olm/
// messages.hpp) and the stored forms of sessions and accounts. The first
// byte picks the decoder (mod 4: normal message, pre-key message, stored
// session, stored account); the rest is its input.
//
// Properties: nothing throws or reads past the input; a refusal is a typed
// code; a normal message that parses re-encodes (canonically, with any
// MAC key) to bytes that parse to the same ratchet key, counter and
// ciphertext, and whose own re-encoding is identical; its views lie inside
// the input, the MAC is its last 8 bytes; a pre-key message that parses
// round-trips the same way (encode(parse(encode(x))) == encode(x)); a
// stored session or account that parses stores again to a form that parses
// to an equal value and stores identically.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_olm_message /dev/null writes
// them (genuine messages, unknown tags, bad versions, cut and overlong
// varints).
#include <e2ekit/protocols/olm/account.hpp>
#include <e2ekit/protocols/olm/messages.hpp>
#include <e2ekit/protocols/olm/session.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace e2ekit;
using namespace e2ekit::protocols::olm;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

const byte_array<32> mac_key{};

bool inside(bytes_view part, bytes_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void check_normal(bytes_view in) {
    auto m = parse_normal_message(in);
    if (!m) {
        require(m.error().value() != 0);
        return;
    }
    require(inside(m->ciphertext, in) && inside(m->authenticated, in));
    require(m->mac.size() == wire::mac_size && m->mac.data() + 8 == in.data() + in.size());
    require(m->authenticated.data() == in.data() &&
            m->authenticated.size() + wire::mac_size == in.size());
    const bytes again = encode_normal_message(m->ratchet_key, m->counter, m->ciphertext, mac_key);
    auto back = parse_normal_message(again);
    require(back.has_value());
    require(back->ratchet_key == m->ratchet_key && back->counter == m->counter);
    require(to_bytes(back->ciphertext) == to_bytes(m->ciphertext));
    require(verify_mac(*back, mac_key).has_value());
    require(encode_normal_message(back->ratchet_key, back->counter, back->ciphertext, mac_key) ==
            again);
}

void check_prekey(bytes_view in) {
    auto m = parse_prekey_message_parts(in);
    if (!m) {
        require(m.error().value() != 0);
        return;
    }
    const bytes again = encode_prekey_message(*m);
    auto back = parse_prekey_message_parts(again);
    require(back.has_value() && *back == *m);
    require(encode_prekey_message(*back) == again);
}

void check_session(bytes_view in) {
    auto s = parse_session(in);
    if (!s) {
        require(s.error().value() != 0);
        return;
    }
    const secret_bytes again = serialize(*s);
    auto back = parse_session(again.view());
    require(back.has_value() && *back == *s);
    require(ct::equal(serialize(*back).view(), again.view()));
}

void check_account(bytes_view in) {
    auto a = account::parse(in);
    if (!a) {
        require(a.error().value() != 0);
        return;
    }
    const secret_bytes again = a->serialize();
    auto back = account::parse(again.view());
    require(back.has_value() && *back == *a);
    require(back->one_time_keys() == a->one_time_keys());
}

void write_seeds(const char* dir) {
    auto put = [&](const std::string& name, byte mode, const bytes& b) {
        std::ofstream f(std::string(dir) + "/" + name, std::ios::binary);
        f.put(static_cast<char>(mode));
        f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    };
    public_key k;
    k.fill(0x55);
    const bytes normal = encode_normal_message(k, 1000, bytes(32, 0xAB), mac_key);
    put("normal", 0, normal);
    put("prekey", 1, encode_prekey_message(k, k, k, normal));
    bytes unknown{0x03, 0x28, 0x07, 0x32, 0x01, 0x00};
    for (std::size_t i = 1; i < normal.size(); ++i)
        unknown.push_back(normal[i]);
    put("unknown_tags", 0, unknown);
    bytes v4 = normal;
    v4[0] = 4;
    put("version_4", 0, v4);
    put("cut", 0, bytes(normal.begin(), normal.begin() + 37));
    put("overlong_counter", 0,
        bytes{0x03, 0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0});
    put("overlong_length", 1, bytes{0x03, 0x22, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
    put("fixed64", 1, bytes{0x03, 0x09, 1, 2, 3, 4, 5, 6, 7, 8});
    put("empty", 1, bytes{});
    // Stored forms of a live session (after one answer) and of an account
    // with one-time and fallback keys.
    testing::deterministic_random rng(8);
    account alice = account::create(rng);
    account bob = account::create(rng);
    bob.generate_one_time_keys(3, rng);
    bob.generate_fallback_key(rng);
    bob.generate_fallback_key(rng);
    auto out = alice.create_outbound(bob.curve25519_key(), bob.one_time_keys().front().key, rng);
    auto first = std::move(*encrypt(*out, as_bytes(std::string_view("hi")), rng)).release();
    auto in = std::move(*bob.create_inbound(first.body)).take_state();
    auto reply = std::move(*encrypt(in.session, as_bytes(std::string_view("yo")), rng)).split();
    const secret_bytes stored_session = serialize(reply.first);
    const secret_bytes stored_account = in.account.serialize();
    put("session", 2, to_bytes(stored_session.view()));
    put("account", 3, to_bytes(stored_account.view()));
    put("session_cut", 2, to_bytes(stored_session.view().first(40)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const bytes_view in(reinterpret_cast<const byte*>(data) + 1, size - 1);
    switch (data[0] % 4) {
    case 0: check_normal(in); break;
    case 1: check_prekey(in); break;
    case 2: check_session(in); break;
    case 3: check_account(in); break;
    }
    return 0;
}
