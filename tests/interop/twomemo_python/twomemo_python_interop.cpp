// e2ekit's OMEMO 2 backend (protocols/twomemo.hpp) against python-twomemo 1.0.3's Twomemo backend
// (peer.py, run by /usr/bin/python3), at the backend level, with every message as the XML element
// each side's own code writes (pugixml here, twomemo.etree there):
//
//   initiate: e2ekit builds a session from python's <bundle> and sends key exchanges until python
//             answers; python builds its side passively from them.
//   respond:  python builds a session from e2ekit's <bundle>; e2ekit answers its key exchanges.
//
// Then, in both modes, a conversation of TWOMEMO_MESSAGES messages (default 400) in turns of 1..6,
// each turn delivered in a shuffled order, now and then one held back until after the other side
// has answered (so that it arrives on a chain the receiver has left: python finds its key through
// PN, e2ekit through the old receiver chain), with empty messages among them; a session re-read from
// its stored form halfway; forged MACs, forged payloads and replays refused by both sides (the
// genuine message still opening afterwards); a bundle with a bad signature refused by both sides;
// <devices> lists both ways. TWOMEMO_SEED replays a run (both sides draw from it). Exit 0 when all
// held, 1 otherwise, 77 when python-twomemo is not installed.
#include <e2ekit/protocols/twomemo.hpp>

#include <e2ekit/codec/base64.hpp>

#include "tests/support/expect.hpp"
#include "tests/support/peer_process.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

using namespace e2ekit;
using e2ekit::test::hex;
using e2ekit::test::json;
using e2ekit::test::unhex;
namespace om = e2ekit::protocols::omemo2;
using backend = e2ekit::protocols::twomemo;

namespace {

constexpr std::string_view own_jid = "alice@e2ekit.example";
constexpr std::uint32_t own_device = 1001;
constexpr std::string_view peer_jid = "bob@python.example";
constexpr std::uint32_t peer_device = 2002;

/// The e2ekit device: identity, pre-keys, the one session with the python device.
struct device {
    testing::deterministic_random rng;
    om::identity_key_pair id;
    std::vector<om::signed_prekey> spks;
    std::vector<om::prekey> pks;
    std::optional<om::session> session;

    explicit device(std::uint64_t seed) : rng(seed), id(om::identity_key_pair::generate(rng)) {
        spks.push_back(om::signed_prekey::generate(id.dh, 1, 0, rng));
        pks = om::prekey::generate(1, 20, rng);
    }

    om::bundle bundle() const { return backend::make_bundle(id, spks[0], pks); }

    /// An <encrypted> to the python device (empty message when `pt` is absent).
    std::string encrypt(const std::optional<bytes>& pt) {
        auto payload = pt ? backend::encrypt_plaintext(rng, *pt) : backend::encrypt_empty(rng);
        auto e = backend::encrypt_key_material(*session, payload.key_material, rng);
        if (!e) throw test::failure("encrypt_key_material: " + e.error().message());
        auto [next, material] = std::move(*e).split();
        session = std::move(next); // committed before the message leaves
        om::encrypted_element m{own_device,
                                {{std::string(peer_jid), {{peer_device, std::move(material)}}}},
                                std::move(payload.ciphertext)};
        return backend::encrypted_xml(m);
    }

    /// An <encrypted> from the python device: the plaintext (empty optional for an empty
    /// message), or the error; the session moves on only when everything succeeded.
    result<std::optional<secret_bytes>> decrypt(const std::string& xml) {
        E2EKIT_TRY(m, backend::parse_encrypted(xml));
        if (m.sid != peer_device) throw test::failure("sid");
        const om::key_element* mine = nullptr;
        for (const auto& r : m.recipients)
            if (r.jid == own_jid)
                for (const auto& k : r.keys)
                    if (k.rid == own_device) mine = &k;
        if (!mine) throw test::failure("no key element for this device");
        std::optional<om::session> next;
        om::plain_key_material km = om::plain_key_material::make_empty();
        if (mine->material.kex) {
            E2EKIT_TRY(x, backend::parse_key_exchange(mine->material.data));
            if (session && backend::builds_same_session(*session, x)) {
                E2EKIT_TRY(step, backend::decrypt_key_material(*session, x.message));
                auto [s, k] = std::move(step).split();
                next = std::move(s);
                km = std::move(k);
            } else {
                E2EKIT_TRY(step, backend::build_session_passive(id, spks, pks, x));
                auto [s, p] = std::move(step).split();
                next = std::move(s);
                km = std::move(p.key_material);
            }
        } else {
            if (!session) throw test::failure("a plain message without a session");
            E2EKIT_TRY(msg, backend::parse_message(mine->material.data));
            E2EKIT_TRY(step, backend::decrypt_key_material(*session, msg));
            auto [s, k] = std::move(step).split();
            next = std::move(s);
            km = std::move(k);
        }
        std::optional<secret_bytes> pt;
        if (!m.payload.empty()) {
            E2EKIT_TRY(p, backend::decrypt_plaintext(m.payload, km));
            pt = std::move(p);
        } else if (!km.empty()) {
            throw test::failure("an empty message with a payload key");
        }
        session = std::move(next); // all succeeded: commit
        return pt;
    }
};

/// Flips one bit of the MAC of the (only) key element of an <encrypted>.
std::string forge_mac(const std::string& xml) {
    auto m = backend::parse_encrypted(xml);
    if (!m) throw test::failure("forge_mac: parse");
    auto& k = m->recipients.at(0).keys.at(0).material;
    if (k.kex) {
        auto x = om::parse_key_exchange(k.data);
        if (!x) throw test::failure("forge_mac: kex");
        x->message.mac[3] ^= 0x20;
        k.data = om::encode_key_exchange(*x);
    } else {
        auto a = om::parse_authenticated_message(k.data);
        if (!a) throw test::failure("forge_mac: message");
        a->mac[3] ^= 0x20;
        k.data = om::encode_authenticated_message(*a);
    }
    return backend::encrypted_xml(*m);
}

/// Flips one bit of the payload of an <encrypted>.
std::string forge_payload(const std::string& xml) {
    auto m = backend::parse_encrypted(xml);
    if (!m || m->payload.empty()) throw test::failure("forge_payload: parse");
    m->payload.ciphertext.back() ^= 1;
    return backend::encrypted_xml(*m);
}

std::string text_of(std::uint64_t turn, int i) {
    std::string s = "message " + std::to_string(turn) + "." + std::to_string(i) + " ";
    s.append(static_cast<std::size_t>((turn * 7 + static_cast<std::uint64_t>(i)) % 90), 'x');
    return s;
}

/// A message in flight: its element and what it carries (nothing for an empty message).
struct in_flight {
    std::string xml;
    std::optional<std::string> text;
    std::uint64_t due = 0; ///< the turn it is delivered at, when held back
};

struct conversation {
    device& me;
    test::peer& py;
    std::mt19937_64 order;
    int sent_e2ekit = 0;
    int sent_python = 0;
    /// Messages held back past the other side's answer: they arrive on a chain the receiver has
    /// since left (python keeps their keys through PN, e2ekit through the old receiver chain).
    std::vector<in_flight> late_to_python;
    std::vector<in_flight> late_to_e2ekit;
    int late = 0; ///< messages delivered after the other side's answer

    void to_python(const in_flight& m) {
        json r = py.ok({{"cmd", "decrypt"}, {"jid", own_jid}, {"xml", m.xml}});
        if (m.text) {
            E2EKIT_EXPECT(r["plaintext"].is_string() &&
                          unhex(r["plaintext"]) == to_bytes(as_bytes(*m.text)));
        } else {
            E2EKIT_EXPECT(r["plaintext"].is_null());
        }
        ++sent_e2ekit;
    }

    void to_e2ekit(const in_flight& m) {
        auto pt = me.decrypt(m.xml);
        if (!pt) throw test::failure("e2ekit decrypt: " + pt.error().message());
        if (m.text) {
            E2EKIT_EXPECT(pt->has_value() && as_chars((*pt)->view()) == std::string_view(*m.text));
        } else {
            E2EKIT_EXPECT(!pt->has_value());
        }
        ++sent_python;
    }

    /// Delivers the held-back messages that are due (all of them with `all`).
    void deliver_late(std::uint64_t turn, bool all = false) {
        const auto due = [&](const in_flight& m) { return all || m.due <= turn; };
        for (const auto& m : late_to_python)
            if (due(m)) {
                to_python(m);
                ++late;
            }
        std::erase_if(late_to_python, due);
        for (const auto& m : late_to_e2ekit)
            if (due(m)) {
                to_e2ekit(m);
                ++late;
            }
        std::erase_if(late_to_e2ekit, due);
    }

    /// Shuffles a batch; now and then holds one back for two turns.
    std::vector<in_flight> arrange(std::vector<in_flight> batch, std::uint64_t turn,
                                   std::vector<in_flight>& late) {
        std::shuffle(batch.begin(), batch.end(), order);
        if (batch.size() >= 2 && order() % 3 == 0) {
            batch.back().due = turn + 2;
            late.push_back(std::move(batch.back()));
            batch.pop_back();
        }
        return batch;
    }

    /// e2ekit sends `n`; python receives them shuffled.
    void e2ekit_turn(std::uint64_t turn, int n) {
        deliver_late(turn);
        std::vector<in_flight> batch;
        for (int i = 0; i < n; ++i) {
            const bool empty = (turn + static_cast<std::uint64_t>(i)) % 11 == 5;
            std::optional<std::string> text;
            if (!empty) text = text_of(turn, i);
            auto xml =
                me.encrypt(text ? std::optional<bytes>(to_bytes(as_bytes(*text))) : std::nullopt);
            batch.push_back({std::move(xml), std::move(text)});
        }
        for (const auto& m : arrange(std::move(batch), turn, late_to_python))
            to_python(m);
    }

    /// python sends `n`; e2ekit receives them shuffled.
    void python_turn(std::uint64_t turn, int n, const std::string* bundle = nullptr) {
        deliver_late(turn);
        std::vector<in_flight> batch;
        for (int i = 0; i < n; ++i) {
            const bool empty = (turn + static_cast<std::uint64_t>(i)) % 13 == 6;
            std::optional<std::string> text;
            json req{{"cmd", "encrypt"}, {"jid", own_jid}, {"device", own_device}};
            if (empty) {
                req["empty"] = true;
            } else {
                text = text_of(turn, i);
                req["plaintext"] = hex(as_bytes(*text));
            }
            if (bundle) req["bundle"] = *bundle;
            batch.push_back({py.ok(req)["xml"].get<std::string>(), std::move(text)});
        }
        for (const auto& m : arrange(std::move(batch), turn, late_to_e2ekit))
            to_e2ekit(m);
    }
};

/// Forged MACs and payloads and replays, refused by both sides without changing their sessions.
void forgeries(device& me, test::peer& py) {
    // e2ekit -> python.
    const std::string genuine = me.encrypt(to_bytes(as_bytes(std::string_view("genuine"))));
    E2EKIT_EXPECT(!py.call({{"cmd", "decrypt"}, {"jid", own_jid}, {"xml", forge_mac(genuine)}})
                       .value("ok", true));
    E2EKIT_EXPECT(!py.call({{"cmd", "decrypt"}, {"jid", own_jid}, {"xml", forge_payload(genuine)}})
                       .value("ok", true));
    json r = py.ok({{"cmd", "decrypt"}, {"jid", own_jid}, {"xml", genuine}});
    E2EKIT_EXPECT(unhex(r["plaintext"]) == to_bytes(as_bytes(std::string_view("genuine"))));
    E2EKIT_EXPECT(
        !py.call({{"cmd", "decrypt"}, {"jid", own_jid}, {"xml", genuine}}).value("ok", true));

    // python -> e2ekit.
    const std::string theirs =
        py.ok({{"cmd", "encrypt"},
               {"jid", own_jid},
               {"device", own_device},
               {"plaintext", hex(as_bytes(std::string_view("theirs")))}})["xml"];
    const bytes before = [&] {
        auto s = backend::serialize_session(*me.session);
        return bytes(s.data(), s.data() + s.size());
    }();
    auto bad_mac = me.decrypt(forge_mac(theirs));
    E2EKIT_EXPECT(!bad_mac && bad_mac.error() == condition::authentication_failed);
    auto bad_payload = me.decrypt(forge_payload(theirs));
    E2EKIT_EXPECT(!bad_payload && bad_payload.error() == condition::authentication_failed);
    const auto after = backend::serialize_session(*me.session);
    E2EKIT_EXPECT(bytes(after.data(), after.data() + after.size()) == before);
    auto good = me.decrypt(theirs);
    E2EKIT_EXPECT(good && good->has_value() && as_chars((*good)->view()) == "theirs");
    auto replay = me.decrypt(theirs);
    E2EKIT_EXPECT(!replay && replay.error() == ratchet::ratchet_error::duplicate_message);
}

/// Bundles with a flipped signature bit: python refuses e2ekit's, e2ekit refuses python's.
void bad_signatures(device& me, test::peer& py, const std::string& python_bundle) {
    auto b = backend::parse_bundle(python_bundle);
    if (!b) throw test::failure("python bundle");
    b->signed_prekey_signature[7] ^= 0x01;
    testing::deterministic_random r(99);
    auto s = backend::build_session_active(me.id, *b, r);
    E2EKIT_EXPECT(!s && s.error() == agreement::agreement_error::bad_signature);

    auto mine = me.bundle();
    mine.signed_prekey_signature[40] ^= 0x08;
    json req{{"cmd", "encrypt"},
             {"jid", "mallory@e2ekit.example"},
             {"device", 7},
             {"plaintext", "00"},
             {"bundle", backend::bundle_xml(mine)}};
    json reply = py.call(req);
    E2EKIT_EXPECT(!reply.value("ok", true));
    E2EKIT_EXPECT(reply.value("error", "").find("KeyExchangeFailed") != std::string::npos);
    // The same bundle, untouched, is accepted (the refusal was the signature's).
    req["bundle"] = backend::bundle_xml(me.bundle());
    E2EKIT_EXPECT(py.call(req).value("ok", false));
}

/// <devices> both ways, with and without labels.
void device_lists(test::peer& py) {
    const std::vector<om::device> mine{{1, "phone"}, {4294967295u, std::nullopt}, {77, "a<b>&\"c"}};
    json got =
        py.ok({{"cmd", "parse_devices"}, {"xml", backend::device_list_xml(mine)}})["devices"];
    E2EKIT_EXPECT(got.size() == 3);
    E2EKIT_EXPECT(got["1"] == "phone");
    E2EKIT_EXPECT(got["4294967295"].is_null());
    E2EKIT_EXPECT(got["77"] == "a<b>&\"c");
    json theirs =
        py.ok({{"cmd", "devices_xml"}, {"devices", {{"5", "laptop"}, {"6", nullptr}}}})["xml"];
    auto parsed = backend::parse_device_list(theirs.get<std::string>());
    E2EKIT_EXPECT(parsed.has_value());
    if (parsed) {
        std::sort(parsed->begin(), parsed->end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        E2EKIT_EXPECT((*parsed == std::vector<om::device>{{5, "laptop"}, {6, std::nullopt}}));
    }
}

int run(const std::string& mode, const std::string& peer_script, std::uint64_t seed, int messages) {
    test::peer py({"/usr/bin/python3", peer_script, std::to_string(seed)});
    device me(seed);
    json init =
        py.call({{"cmd", "init"}, {"jid", peer_jid}, {"device", peer_device}, {"prekeys", 10}});
    if (!init.value("ok", false)) throw test::failure("init: " + init.dump());
    const std::string python_bundle = init["bundle"];
    auto b = backend::parse_bundle(python_bundle);
    if (!b) throw test::failure("python's <bundle>: " + b.error().message());
    E2EKIT_EXPECT(hex(b->identity) == init["ik"].get<std::string>());
    E2EKIT_EXPECT(bool(b->verify()));
    E2EKIT_EXPECT(b->prekeys.size() == 10);

    conversation c{me, py, std::mt19937_64(seed), 0, 0, {}, {}};
    std::uint64_t turn = 0;
    if (mode == "initiate") {
        auto s = backend::build_session_active(me.id, *b, me.rng);
        if (!s) throw test::failure("build_session_active: " + s.error().message());
        me.session = std::move(*s);
        c.e2ekit_turn(turn++, 4); // key exchanges, shuffled
        json st = py.ok({{"cmd", "session"}, {"jid", own_jid}, {"device", own_device}});
        E2EKIT_EXPECT(st["exists"].get<bool>());
        E2EKIT_EXPECT(me.session->sends_key_exchange());
        c.python_turn(turn++, 3);
        E2EKIT_EXPECT(!me.session->sends_key_exchange()); // confirmed
    } else {
        const std::string mine = backend::bundle_xml(me.bundle());
        c.python_turn(turn++, 1, &mine); // builds python's session from e2ekit's bundle
        c.python_turn(turn++, 3);        // key exchanges still, shuffled
        E2EKIT_EXPECT(me.session && me.session->how == om::initiation::passive);
        c.e2ekit_turn(turn++, 2);
        json st = py.ok({{"cmd", "session"}, {"jid", own_jid}, {"device", own_device}});
        E2EKIT_EXPECT(st["confirmed"].get<bool>());
    }

    std::mt19937_64 sizes(seed ^ 0x5eed);
    bool reread = false;
    while (c.sent_e2ekit + c.sent_python < messages) {
        const int n = 1 + static_cast<int>(sizes() % 6);
        if (turn % 2 == 0)
            c.e2ekit_turn(turn, n);
        else
            c.python_turn(turn, n);
        ++turn;
        if (!reread && c.sent_e2ekit + c.sent_python >= messages / 2) {
            auto stored = backend::serialize_session(*me.session);
            auto back = backend::parse_session(stored.view());
            if (!back) throw test::failure("stored session");
            E2EKIT_EXPECT(*back == *me.session);
            me.session = std::move(*back);
            reread = true;
        }
    }
    c.deliver_late(turn, true);
    E2EKIT_EXPECT(c.sent_e2ekit + c.sent_python >= messages);
    forgeries(me, py);
    c.e2ekit_turn(turn++, 3);
    c.python_turn(turn++, 3);
    bad_signatures(me, py, python_bundle);
    device_lists(py);
    c.deliver_late(turn, true);
    std::cout << mode << ": " << c.sent_e2ekit << " messages e2ekit -> python, " << c.sent_python
              << " python -> e2ekit, " << c.late << " of them late\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: twomemo_python_interop initiate|respond peer.py\n";
        return 2;
    }
    if (std::system("/usr/bin/python3 -c 'import twomemo.etree' 2>/dev/null") != 0) {
        std::cerr << "python-twomemo (or python3-xmlschema) is not installed: skipped\n";
        return 77;
    }
    const char* seed_env = std::getenv("TWOMEMO_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : 1;
    const char* n_env = std::getenv("TWOMEMO_MESSAGES");
    const int messages = n_env ? std::atoi(n_env) : 400;
    try {
        run(argv[1], argv[2], seed, messages);
    } catch (const std::exception& e) {
        std::cerr << "twomemo " << argv[1] << " FAILED (TWOMEMO_SEED=" << seed << "): " << e.what()
                  << "\n";
        return 1;
    }
    return test::expect_summary("twomemo python interop: ok");
}
