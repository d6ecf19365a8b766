// e2ekit's Megolm sessions (protocols/megolm/session.hpp) against a real
// peer: libolm 3.2 linked in-process, or python-olm (../megolm_python/peer.py)
// when the peer script is given as argv[1].
// - e2ekit sends: the peer's inbound session, made from e2ekit's session key,
//   reads 400 messages in a shuffled order (some dropped); the peer imports
//   e2ekit's export at a later index and reads from there, refusing before.
// - the peer sends: e2ekit reads its 400 messages shuffled, from its session
//   key; imports the peer's export at a later index; refuses earlier indexes
//   (unknown_message_index) and forged messages (authentication failed,
//   session unchanged); the peer refuses e2ekit's forgeries too.
#include <e2ekit/protocols/megolm/session.hpp>

#include <tests/support/expect.hpp>
#include <tests/support/peer_process.hpp>

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/random.hpp>

#include <olm/inbound_group_session.h>
#include <olm/olm.h>
#include <olm/outbound_group_session.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
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

using decrypted = std::optional<std::pair<std::string, std::uint32_t>>;

/// What the driver asks of the other side; messages, keys and exports in
/// unpadded base64, as both libolm and python-olm speak them.
class megolm_peer {
public:
    virtual ~megolm_peer() = default;
    /// A handle, or -1 when the peer refuses the key.
    virtual int inbound(const std::string& key, bool imported) = 0;
    /// The plaintext and index, or nullopt when the peer refuses.
    virtual decrypted decrypt(int session, const std::string& message) = 0;
    virtual std::string export_at(int session, std::uint32_t index) = 0;
    virtual std::uint32_t first_known_index(int session) = 0;
    /// A new outbound session; its session key.
    virtual std::string create_outbound(testing::deterministic_random& rng) = 0;
    virtual std::string encrypt(const std::string& plaintext) = 0;
};

class libolm_peer final : public megolm_peer {
public:
    int inbound(const std::string& key, bool imported) override {
        auto& mem = in_.emplace_back(olm_inbound_group_session_size());
        OlmInboundGroupSession* s = olm_inbound_group_session(mem.data());
        std::string k = key;
        const auto r = imported ? olm_import_inbound_group_session(s, u8(k), k.size())
                                : olm_init_inbound_group_session(s, u8(k), k.size());
        return r == olm_error() ? -1 : static_cast<int>(in_.size() - 1);
    }
    decrypted decrypt(int session, const std::string& m) override {
        auto* s = get(session);
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
    std::string export_at(int session, std::uint32_t index) override {
        auto* s = get(session);
        std::string e(olm_export_inbound_group_session_length(s), '\0');
        if (olm_export_inbound_group_session(s, u8(e), e.size(), index) == olm_error())
            throw test::failure("libolm cannot export");
        return e;
    }
    std::uint32_t first_known_index(int session) override {
        return olm_inbound_group_session_first_known_index(get(session));
    }
    std::string create_outbound(testing::deterministic_random& rng) override {
        out_mem_.assign(olm_outbound_group_session_size(), 0);
        out_ = olm_outbound_group_session(out_mem_.data());
        std::vector<std::uint8_t> r(olm_init_outbound_group_session_random_length(out_));
        rng.fill(r);
        if (olm_init_outbound_group_session(out_, r.data(), r.size()) == olm_error())
            throw test::failure("libolm cannot create an outbound session");
        std::string key(olm_outbound_group_session_key_length(out_), '\0');
        olm_outbound_group_session_key(out_, u8(key), key.size());
        return key;
    }
    std::string encrypt(const std::string& plaintext) override {
        std::string pt = plaintext;
        std::string m(olm_group_encrypt_message_length(out_, pt.size()), '\0');
        olm_group_encrypt(out_, u8(pt), pt.size(), u8(m), m.size());
        return m;
    }

private:
    OlmInboundGroupSession* get(int session) {
        return reinterpret_cast<OlmInboundGroupSession*>(
            in_.at(static_cast<std::size_t>(session)).data());
    }
    std::vector<std::vector<std::uint8_t>> in_;
    std::vector<std::uint8_t> out_mem_;
    OlmOutboundGroupSession* out_ = nullptr;
};

class python_peer final : public megolm_peer {
public:
    python_peer(const std::string& script, std::uint64_t seed)
        : p_({"/usr/bin/python3", script, std::to_string(seed)}) {}
    bool alive() {
        try {
            return p_.call({{"cmd", "hello"}}).value("ok", false);
        } catch (const test::failure&) {
            return false;
        }
    }
    int inbound(const std::string& key, bool imported) override {
        const auto r = p_.call({{"cmd", "inbound"}, {"key", key}, {"imported", imported}});
        return r.value("ok", false) ? r["session"].get<int>() : -1;
    }
    decrypted decrypt(int session, const std::string& m) override {
        const auto r = p_.call({{"cmd", "decrypt"}, {"session", session}, {"message", m}});
        if (!r.value("ok", false)) return std::nullopt;
        return std::pair{r["plaintext"].get<std::string>(), r["index"].get<std::uint32_t>()};
    }
    std::string export_at(int session, std::uint32_t index) override {
        return p_.ok({{"cmd", "export"}, {"session", session}, {"index", index}})["key"];
    }
    std::uint32_t first_known_index(int session) override {
        return p_.ok({{"cmd", "first_known_index"}, {"session", session}})["index"];
    }
    std::string create_outbound(testing::deterministic_random&) override {
        return p_.ok({{"cmd", "create_outbound"}})["key"];
    }
    std::string encrypt(const std::string& plaintext) override {
        return p_.ok({{"cmd", "encrypt"}, {"plaintext", plaintext}})["message"];
    }

private:
    test::peer p_;
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

void e2ekit_sends(megolm_peer& peer, testing::deterministic_random& rng) {
    auto out = mg::create_outbound(rng);
    const auto key = mg::session_key(out);
    std::vector<bytes> msgs;
    for (std::uint32_t i = 0; i < 400; ++i) {
        auto [next, m] = mg::encrypt(out, as_bytes(text(i))).split();
        out = std::move(next);
        msgs.push_back(std::move(m));
    }
    const int in = peer.inbound(b64(key.view()), false);
    E2EKIT_EXPECT(in >= 0);
    const auto order = shuffled(static_cast<std::uint32_t>(msgs.size()), rng);
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k % 10 == 3) continue; // dropped
        const auto got = peer.decrypt(in, b64(msgs[order[k]]));
        E2EKIT_EXPECT(got && got->first == text(order[k]) && got->second == order[k]);
    }
    // The peer agrees on where e2ekit's session key started.
    E2EKIT_EXPECT(peer.first_known_index(in) == 0);
    // An e2ekit export at 250, read by the peer from there on only.
    auto mine = mg::create_inbound(key.view()).value();
    const auto exported = mg::export_at(mine, 250).value();
    const int late = peer.inbound(b64(exported.view()), true);
    E2EKIT_EXPECT(late >= 0 && peer.first_known_index(late) == 250);
    E2EKIT_EXPECT(peer.decrypt(late, b64(msgs[300])).value_or(decrypted::value_type()).first ==
                  text(300));
    E2EKIT_EXPECT(!peer.decrypt(late, b64(msgs[249])));
    // The peer's export at 300 equals e2ekit's.
    E2EKIT_EXPECT(unb64(peer.export_at(in, 300)) ==
                  to_bytes(mg::export_at(mine, 300).value().view()));
    // Forgeries: the peer refuses a flipped ciphertext byte and a flipped signature byte.
    auto forged = msgs[10];
    forged[8] ^= 1;
    E2EKIT_EXPECT(!peer.decrypt(in, b64(forged)));
    forged = msgs[10];
    forged.back() ^= 1;
    E2EKIT_EXPECT(!peer.decrypt(in, b64(forged)));
}

void peer_sends(megolm_peer& peer, testing::deterministic_random& rng) {
    const std::string key = peer.create_outbound(rng);
    std::vector<std::string> msgs;
    for (std::uint32_t i = 0; i < 400; ++i)
        msgs.push_back(peer.encrypt(text(i)));
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
    // The peer's export at 320, imported by e2ekit: reads from 320 on only.
    const int theirs = peer.inbound(key, false);
    auto imported = mg::create_inbound(unb64(peer.export_at(theirs, 320))).value();
    E2EKIT_EXPECT(!imported.verified && imported.first_known_index() == 320);
    E2EKIT_EXPECT(mg::decrypt(imported, unb64(msgs[319])).error() ==
                  mg::megolm_error::unknown_message_index);
    auto step = mg::decrypt(imported, unb64(msgs[399]));
    E2EKIT_EXPECT(step.has_value());
    if (step) {
        auto [next, d] = std::move(*step).split();
        E2EKIT_EXPECT(std::string(as_chars(d.plaintext.view())) == text(399) && next.verified);
    }
    // A session key whose signature the peer made, with one bit changed: refused.
    auto bad_key = unb64(key);
    bad_key[20] ^= 1;
    E2EKIT_EXPECT(mg::create_inbound(bad_key).error() ==
                  envelope::envelope_error::authentication_failed);
}

} // namespace

/// No argument: libolm in-process. argv[1]: the python-olm peer script.
int main(int argc, char** argv) {
    const char* seed = std::getenv("E2EKIT_SEED");
    const std::uint64_t s = seed ? std::strtoull(seed, nullptr, 10) : 2026;
    testing::deterministic_random rng(s);
    std::unique_ptr<megolm_peer> peer;
    if (argc > 1) {
        auto py = std::make_unique<python_peer>(argv[1], s);
        if (!py->alive()) return 77; // python-olm is not installed
        peer = std::move(py);
    } else
        peer = std::make_unique<libolm_peer>();
    try {
        e2ekit_sends(*peer, rng);
        peer_sends(*peer, rng);
    } catch (const test::failure& f) {
        std::fprintf(stderr, "%s\n", f.what());
        return 1;
    }
    return test::expect_summary(argc > 1 ? "megolm: e2ekit and python-olm read each other's "
                                           "sessions, exports and messages"
                                         : "megolm: e2ekit and libolm read each other's sessions, "
                                           "exports and messages");
}
