// e2ekit's Megolm sessions (protocols/megolm/session.hpp) against libolm 3.2:
// - e2ekit sends: libolm's inbound session, made from e2ekit's session key,
//   reads 400 messages in a shuffled order (some dropped); libolm imports
//   e2ekit's export at a later index and reads from there, refusing before.
// - libolm sends: e2ekit reads libolm's 400 messages shuffled, from its
//   session key; imports libolm's export at a later index; refuses earlier
//   indexes (unknown_message_index) and forged messages (authentication
//   failed, session unchanged); libolm refuses e2ekit's forgeries too.
#include <e2ekit/protocols/megolm/session.hpp>

#include <tests/support/expect.hpp>

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/random.hpp>

#include <olm/inbound_group_session.h>
#include <olm/olm.h>
#include <olm/outbound_group_session.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace e2ekit;
namespace mg = e2ekit::protocols::megolm;

namespace {

std::string b64(bytes_view b) {
    return codec::base64::encode<codec::base64::standard_unpadded>(b);
}
bytes unb64(const std::string& s) {
    return codec::base64::decode<codec::base64::standard_unpadded>(s).value();
}
std::uint8_t* u8(std::string& s) {
    return reinterpret_cast<std::uint8_t*>(s.data());
}

struct libolm_inbound {
    std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(olm_inbound_group_session_size());
    OlmInboundGroupSession* s = olm_inbound_group_session(mem.data());
    bool init(std::string key, bool imported) {
        const auto r = imported ? olm_import_inbound_group_session(s, u8(key), key.size())
                                : olm_init_inbound_group_session(s, u8(key), key.size());
        return r != olm_error();
    }
    /// The plaintext and index, or nullopt when libolm refuses.
    std::optional<std::pair<std::string, std::uint32_t>> decrypt(const std::string& m) {
        std::string copy = m;
        const std::size_t max = olm_group_decrypt_max_plaintext_length(s, u8(copy), copy.size());
        if (max == olm_error()) return std::nullopt;
        std::string in = m, pt(max, '\0');
        std::uint32_t index = 0;
        const std::size_t n = olm_group_decrypt(s, u8(in), in.size(), u8(pt), pt.size(), &index);
        if (n == olm_error()) return std::nullopt;
        pt.resize(n);
        return std::pair{pt, index};
    }
    std::string export_at(std::uint32_t index) {
        std::string e(olm_export_inbound_group_session_length(s), '\0');
        if (olm_export_inbound_group_session(s, u8(e), e.size(), index) == olm_error())
            std::exit(2);
        return e;
    }
};

std::string text(std::uint32_t i) {
    return "room message " + std::to_string(i);
}

/// 0..n-1 in an order drawn from `rng` (Fisher-Yates).
std::vector<std::uint32_t> shuffled(std::uint32_t n, testing::deterministic_random& rng) {
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i)
        order[i] = i;
    for (std::uint32_t i = n; i > 1; --i) {
        byte_array<4> b;
        rng.fill(b);
        const std::uint32_t r = (std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 |
                                 std::uint32_t{b[2]} << 8 | b[3]) %
                                i;
        std::swap(order[i - 1], order[r]);
    }
    return order;
}

void e2ekit_sends(testing::deterministic_random& rng) {
    auto out = mg::create_outbound(rng);
    const auto key = mg::session_key(out);
    std::vector<bytes> msgs;
    for (std::uint32_t i = 0; i < 400; ++i) {
        auto [next, m] = mg::encrypt(out, as_bytes(text(i))).split();
        out = std::move(next);
        msgs.push_back(std::move(m));
    }
    libolm_inbound in;
    E2EKIT_EXPECT(in.init(b64(key.view()), false));
    const auto order = shuffled(static_cast<std::uint32_t>(msgs.size()), rng);
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k % 10 == 3) continue; // dropped
        const auto got = in.decrypt(b64(msgs[order[k]]));
        E2EKIT_EXPECT(got && got->first == text(order[k]) && got->second == order[k]);
    }
    // libolm agrees on where e2ekit's session key started.
    E2EKIT_EXPECT(olm_inbound_group_session_first_known_index(in.s) == 0);
    // An e2ekit export at 250, read by libolm from there on only.
    auto mine = mg::create_inbound(key.view()).value();
    const auto exported = mg::export_at(mine, 250).value();
    libolm_inbound late;
    E2EKIT_EXPECT(late.init(b64(exported.view()), true));
    E2EKIT_EXPECT(late.decrypt(b64(msgs[300])).value_or(std::pair{std::string(), 0u}).first ==
                  text(300));
    E2EKIT_EXPECT(!late.decrypt(b64(msgs[249])));
    // libolm's export at 300 equals e2ekit's.
    E2EKIT_EXPECT(unb64(in.export_at(300)) == to_bytes(mg::export_at(mine, 300).value().view()));
    // Forgeries: libolm refuses a flipped ciphertext byte and a flipped signature byte.
    auto forged = msgs[10];
    forged[8] ^= 1;
    E2EKIT_EXPECT(!in.decrypt(b64(forged)));
    forged = msgs[10];
    forged.back() ^= 1;
    E2EKIT_EXPECT(!in.decrypt(b64(forged)));
}

void libolm_sends(testing::deterministic_random& rng) {
    std::vector<std::uint8_t> om(olm_outbound_group_session_size());
    OlmOutboundGroupSession* out = olm_outbound_group_session(om.data());
    std::vector<std::uint8_t> r(olm_init_outbound_group_session_random_length(out));
    rng.fill(r);
    if (olm_init_outbound_group_session(out, r.data(), r.size()) == olm_error()) std::exit(2);
    std::string key(olm_outbound_group_session_key_length(out), '\0');
    olm_outbound_group_session_key(out, u8(key), key.size());
    std::vector<std::string> msgs;
    for (std::uint32_t i = 0; i < 400; ++i) {
        std::string pt = text(i);
        std::string m(olm_group_encrypt_message_length(out, pt.size()), '\0');
        olm_group_encrypt(out, u8(pt), pt.size(), u8(m), m.size());
        msgs.push_back(m);
    }
    auto in = mg::create_inbound(unb64(key)).value();
    E2EKIT_EXPECT(in.verified && in.first_known_index() == 0);
    const auto verifier = crypto::ed25519_verifier::prepare(in.signing_key).value();
    const auto order = shuffled(static_cast<std::uint32_t>(msgs.size()), rng);
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k % 10 == 7) continue;
        auto step = mg::decrypt(in, verifier, unb64(msgs[order[k]]));
        E2EKIT_EXPECT(step.has_value());
        if (!step) continue;
        auto [next, d] = std::move(*step).split();
        E2EKIT_EXPECT(d.index == order[k] &&
                      std::string(as_chars(d.plaintext.view())) == text(order[k]));
        in = std::move(next);
    }
    E2EKIT_EXPECT(verifier.accelerated());
    // Forgeries and earlier indexes leave the session as it was.
    const auto before = mg::serialize(in);
    auto forged = unb64(msgs[5]);
    forged[8] ^= 1;
    E2EKIT_EXPECT(mg::decrypt(in, verifier, forged).error() ==
                  envelope::envelope_error::authentication_failed);
    forged = unb64(msgs[5]);
    forged.back() ^= 1;
    E2EKIT_EXPECT(mg::decrypt(in, verifier, forged).error() ==
                  envelope::envelope_error::authentication_failed);
    E2EKIT_EXPECT(ct::equal(mg::serialize(in).view(), before.view()));
    // libolm's export at 320, imported by e2ekit: reads from 320 on only.
    libolm_inbound theirs;
    E2EKIT_EXPECT(theirs.init(key, false));
    auto imported = mg::create_inbound(unb64(theirs.export_at(320))).value();
    E2EKIT_EXPECT(!imported.verified && imported.first_known_index() == 320);
    E2EKIT_EXPECT(mg::decrypt(imported, unb64(msgs[319])).error() ==
                  mg::megolm_error::unknown_message_index);
    auto step = mg::decrypt(imported, unb64(msgs[399]));
    E2EKIT_EXPECT(step.has_value());
    if (step) {
        auto [next, d] = std::move(*step).split();
        E2EKIT_EXPECT(std::string(as_chars(d.plaintext.view())) == text(399) && next.verified);
    }
    // A session key whose signature libolm made, with one bit changed: refused.
    auto bad_key = unb64(key);
    bad_key[20] ^= 1;
    E2EKIT_EXPECT(mg::create_inbound(bad_key).error() ==
                  envelope::envelope_error::authentication_failed);
}

} // namespace

int main() {
    const char* seed = std::getenv("E2EKIT_SEED");
    testing::deterministic_random rng(seed ? std::strtoull(seed, nullptr, 10) : 2026);
    e2ekit_sends(rng);
    libolm_sends(rng);
    return test::expect_summary(
        "megolm: e2ekit and libolm read each other's sessions, exports and messages");
}
