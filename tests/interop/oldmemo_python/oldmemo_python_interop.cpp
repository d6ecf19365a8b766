// e2ekit's OMEMO 0.3 backend (protocols/oldmemo.hpp) against python-oldmemo
// 1.0.3's (peer.py drives oldmemo.Oldmemo as python-omemo's SessionManager
// does), every bundle, device list and message crossing as XML written and
// read by each side's own element code:
//
// - `initiate`: e2ekit builds its session from python's <bundle>; python
//   answers from the key exchange. `respond`: python builds its session
//   from e2ekit's <bundle>; e2ekit answers. Then a conversation of
//   OLDMEMO_MESSAGES (default 600) messages with random turns, reordering
//   (each delivery takes one of the 4 oldest in flight, none held back
//   more than a few turns), empty messages now and then, the key exchange
//   repeated until the first answer on both sides; halfway, refusals on
//   both sides: a replay, a flipped MAC, a flipped payload (e2ekit's stored
//   session unchanged, and the genuine message still decrypts after them).
// - `xml`: device lists both ways; identities of both kinds (seed and
//   Curve25519 private key, Ed25519 sign bits 0 and 1) whose bundles
//   python reads to the same Ed25519 key and accepts, and whose sessions
//   python starts; python's bundles round-tripped through e2ekit's
//   parser and writer; a bad signature refused both ways.
//
// Exit 0 on success, 1 on failure, 77 when python-oldmemo is missing.
// E2EKIT_SEED replays a run (python's draws follow the same seed).
#include <e2ekit/protocols/oldmemo.hpp>

#include <tests/support/peer_process.hpp>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
using oldmemo = e2ekit::protocols::oldmemo;
using peer_failure = e2ekit::test::failure;
using e2ekit::test::hex;
using e2ekit::test::json;
using e2ekit::test::peer;

namespace {

constexpr std::uint32_t e2ekit_device = 1001;
constexpr std::uint32_t python_device = 2002;
const std::string e2ekit_jid = "e2ekit@example.org";
const std::string python_jid = "python@example.org";

void expect(bool ok, const std::string& what) {
    if (!ok) throw peer_failure(what);
}

std::string text(bytes_view b) {
    return std::string(as_chars(b));
}

/// A message in flight: its XML, what it carries (nullopt: empty) and
/// whether its sender attached the key exchange.
struct message {
    std::string xml;
    std::optional<std::string> plaintext;
    bool prekey = false;
};

json plaintext_json(const std::optional<std::string>& pt) {
    return pt ? json(hex(as_bytes(*pt))) : json(nullptr);
}

/// e2ekit's device: keys, one session with python's device kept in stored
/// form, every step committed before its payload is used.
struct e2ekit_side {
    testing::deterministic_random& rng;
    om::identity_key_pair identity;
    om::signed_prekey spk;
    std::vector<om::prekey> prekeys;
    std::optional<om::session> session;
    secret_bytes stored;
    std::optional<om::bundle> peer_bundle;
    int commits = 0;

    e2ekit_side(testing::deterministic_random& r, om::identity_key_pair id)
        : rng(r), identity(std::move(id)),
          spk(om::generate_signed_prekey(identity, 1, 1700000000, rng)),
          prekeys(om::generate_prekeys(1, 20, rng)) {}

    om::bundle bundle() const { return om::make_bundle(identity, spk, prekeys); }
    std::string bundle_xml() const { return om::serialize_bundle(bundle()); }

    void store(const om::session& s) {
        stored = om::serialize(s);
        ++commits;
        // Work on from the stored form, as a client restarted would.
        auto back = om::parse_session(stored.view());
        expect(back && *back == s, "stored session does not read back");
        session = std::move(*back);
    }

    void learn(const std::string& bundle_xml) {
        auto b = om::parse_bundle(bundle_xml);
        expect(static_cast<bool>(b), "e2ekit refused python's bundle");
        peer_bundle = std::move(*b);
    }

    void initiate() {
        auto s = om::build_session_active(identity, *peer_bundle, rng);
        if (!s) throw peer_failure("build_session_active: " + s.error().message());
        store(*s);
    }

    message send(const std::optional<std::string>& pt, bool expect_prekey) {
        auto payload = pt ? om::encrypt_plaintext(rng, as_bytes(*pt)) : om::encrypt_empty(rng);
        auto step = om::encrypt_key_material(*session, payload.key_material, rng);
        if (!step) throw peer_failure("encrypt_key_material: " + step.error().message());
        auto key = std::move(*step).commit([&](const om::session& s) {
            store(s);
            return ok();
        });
        expect(key->prekey == expect_prekey, "e2ekit: key exchange attached or missing");
        om::encrypted_element e{e2ekit_device,
                                {{python_device, key->prekey, key->data}},
                                payload.content.iv,
                                std::nullopt};
        if (pt) e.payload = payload.content.ciphertext;
        return {om::serialize_encrypted(e), pt, key->prekey};
    }

    /// The plaintext (nullopt for an empty message) or the error; nothing
    /// is stored unless the whole message decrypted.
    result<std::optional<std::string>> receive(const std::string& xml, bool* was_prekey = nullptr) {
        E2EKIT_TRY(e, om::parse_encrypted(xml));
        if (e.sid != python_device) return om::xml_error::bad_attribute;
        const om::key_element* k = e.key_for(e2ekit_device);
        if (!k) return om::xml_error::missing_element;
        if (was_prekey) *was_prekey = k->prekey;
        std::optional<om::plain_key_material> km;
        std::optional<std::uint32_t> consumed;
        std::optional<om::session> next;
        if (k->prekey) {
            E2EKIT_TRY(x, om::parse_key_exchange(k->data));
            // The key exchange must name the identity python's bundle showed.
            if (!peer_bundle || x.identity_key != peer_bundle->identity_key)
                return om::oldmemo_error::unknown_prekey;
            E2EKIT_TRY(step, om::accept_key_exchange(session ? &*session : nullptr, identity,
                                                     std::span(&spk, 1), prekeys, x));
            auto [s, a] = std::move(step).split();
            next = std::move(s);
            km = std::move(a.key_material);
            consumed = a.consumed_prekey_id;
        } else {
            if (!session) return om::oldmemo_error::bad_session;
            E2EKIT_TRY(step, om::decrypt_key_material(*session, k->data));
            auto [s, m] = std::move(step).split();
            next = std::move(s);
            km = std::move(m);
        }
        std::optional<std::string> pt;
        if (!e.content().empty()) {
            E2EKIT_TRY(p, om::decrypt_plaintext(e.content(), *km));
            pt = text(p.view());
        } else {
            expect(km->for_empty_message(), "e2ekit: empty message with a tag");
        }
        // Commit (session, used pre-key gone) before the plaintext goes out.
        store(*next);
        if (consumed)
            std::erase_if(prekeys, [&](const om::prekey& p) { return p.id == *consumed; });
        return pt;
    }
};

struct python_side {
    peer& p;
    message send(const std::optional<std::string>& pt) {
        json r = p.ok({{"cmd", "encrypt"},
                       {"jid", e2ekit_jid},
                       {"device", e2ekit_device},
                       {"plaintext", plaintext_json(pt)}});
        const std::string xml = r["xml"];
        auto e = om::parse_encrypted(xml);
        expect(e && e->keys.size() == 1, "python's message does not parse");
        return {xml, pt, e->keys.front().prekey};
    }
    json receive(const std::string& xml) {
        return p.call({{"cmd", "decrypt"}, {"jid", e2ekit_jid}, {"xml", xml}});
    }
};

bool python_took(const json& r, const message& m) {
    return r.value("ok", false) && r["plaintext"] == plaintext_json(m.plaintext);
}

std::string flip_in_key(const std::string& xml, bool mac) {
    auto e = om::parse_encrypted(xml);
    expect(static_cast<bool>(e), "cannot re-read a message");
    auto& data = e->keys.front().data;
    if (mac)
        data.back() ^= 0x01; // the MAC's last byte (a key exchange ends with its message)
    else
        data[data.size() - 12] ^= 0x01; // inside the ratchet's ciphertext
    return om::serialize_encrypted(*e);
}

std::string flip_in_payload(const std::string& xml) {
    auto e = om::parse_encrypted(xml);
    expect(e && e->payload && !e->payload->empty(), "no payload to flip");
    e->payload->front() ^= 0x01;
    return om::serialize_encrypted(*e);
}

/// Refusals on both sides, e2ekit's stored session unchanged; the genuine
/// message still decrypts after its forgeries.
void check_refusals(e2ekit_side& e, python_side& py, const message& last_to_e) {
    const secret_bytes before = e.stored.clone();
    auto replay = e.receive(last_to_e.xml);
    expect(!replay, "e2ekit took a replayed message");
    const message genuine = py.send("genuine from python");
    for (const std::string& forged :
         {flip_in_key(genuine.xml, true), flip_in_key(genuine.xml, false),
          flip_in_payload(genuine.xml)}) {
        auto r = e.receive(forged);
        expect(!r && r.error() == condition::authentication_failed, "e2ekit took a forged message");
        expect(e.stored == before, "a refused message changed e2ekit's session");
    }
    auto r = e.receive(genuine.xml);
    expect(r && *r == genuine.plaintext, "e2ekit refused the genuine message after forgeries");

    const message mine = e.send("genuine from e2ekit", false);
    for (const std::string& forged :
         {flip_in_key(mine.xml, true), flip_in_key(mine.xml, false), flip_in_payload(mine.xml)})
        expect(!py.receive(forged).value("ok", false), "python took a forged message");
    expect(python_took(py.receive(mine.xml), mine),
           "python refused the genuine message after forgeries");
    expect(!py.receive(mine.xml).value("ok", false), "python took a replayed message");
}

void converse(e2ekit_side& e, python_side& py, testing::deterministic_random& rng, int total,
              bool e2ekit_initiated) {
    struct in_flight {
        message m;
        int passed_over = 0;
    };
    std::deque<in_flight> to_e, to_py;
    // Each side repeats the key exchange until a message from the other
    // decrypted on its session.
    bool e_heard = !e2ekit_initiated, py_heard = e2ekit_initiated;
    bool py_has_session = !e2ekit_initiated;
    int sent = 0, delivered = 0, empties = 0, reordered = 0;
    message last_to_e{};
    bool have_last = false, refusals_checked = false;
    auto deliver_one = [&](std::deque<in_flight>& q, bool to_e2ekit) {
        std::size_t i =
            random_below(rng, static_cast<std::uint32_t>(std::min<std::size_t>(q.size(), 4)));
        if (q.front().passed_over >= 3) i = 0; // nothing is held back for long
        for (std::size_t j = 0; j < i; ++j)
            ++q[j].passed_over;
        if (i != 0) ++reordered;
        message m = std::move(q[i].m);
        q.erase(q.begin() + static_cast<std::ptrdiff_t>(i));
        if (to_e2ekit) {
            bool prekey = false;
            auto r = e.receive(m.xml, &prekey);
            if (!r) throw peer_failure("e2ekit refused a message: " + r.error().message());
            expect(*r == m.plaintext, "e2ekit decrypted something else");
            expect(prekey == m.prekey, "the key exchange flag changed in transit");
            e_heard = true;
            last_to_e = std::move(m);
            have_last = true;
        } else {
            json r = py.receive(m.xml);
            if (!r.value("ok", false)) throw peer_failure("python refused a message: " + r.dump());
            expect(python_took(r, m), "python decrypted something else");
            expect(r["prekey"].get<bool>() == m.prekey,
                   "python read the key exchange flag otherwise");
            py_has_session = true;
            py_heard = true;
        }
        ++delivered;
    };
    while (sent < total || !to_e.empty() || !to_py.empty()) {
        const std::uint32_t action = random_below(rng, 4);
        if (sent < total && action < 2) {
            const bool from_e = action == 0;
            auto& q = from_e ? to_py : to_e;
            if (q.size() < 8 && (from_e || py_has_session)) {
                std::optional<std::string> pt;
                if (random_below(rng, 25) == 0)
                    ++empties;
                else
                    pt = "message " + std::to_string(sent) + " " +
                         std::string(random_below(rng, 300), 'x');
                message m = from_e ? e.send(pt, e2ekit_initiated && !e_heard) : py.send(pt);
                if (!from_e)
                    expect(m.prekey == (!e2ekit_initiated && !py_heard),
                           "python's key exchange attached or missing");
                q.push_back({std::move(m), 0});
                ++sent;
                continue;
            }
        }
        auto& q = (action % 2 == 0) ? to_e : to_py;
        if (!q.empty()) deliver_one(q, &q == &to_e);
        if (sent >= total / 2 && !refusals_checked && have_last && py_heard && e_heard) {
            while (!to_e.empty() || !to_py.empty())
                deliver_one(to_e.empty() ? to_py : to_e, !to_e.empty());
            check_refusals(e, py, last_to_e);
            refusals_checked = true;
        }
    }
    expect(refusals_checked, "the refusals were not checked");
    std::cerr << "  " << sent << " sent (" << empties << " empty), " << delivered << " delivered ("
              << reordered << " out of order), " << e.commits << " e2ekit commits\n";
}

void setup_python(peer& p) {
    p.ok({{"cmd", "setup"}, {"jid", python_jid}, {"device", python_device}, {"pre_keys", 100}});
}

int run_session(const std::string& mode, peer& p, testing::deterministic_random& rng, int total) {
    setup_python(p);
    // Respond with an identity held as a Curve25519 private key, initiate
    // with a seed: both ways of signing meet python.
    e2ekit_side e(rng, mode == "initiate" ? om::identity_key_pair::generate(rng)
                                          : om::identity_key_pair::from_private(
                                                crypto::x25519::generate(rng).priv));
    json learned = p.ok({{"cmd", "learn"},
                         {"jid", e2ekit_jid},
                         {"device", e2ekit_device},
                         {"xml", e.bundle_xml()}});
    expect(learned["identity_key_ed25519"] == hex(e.identity.ed25519_public()),
           "python reads another Ed25519 identity key from e2ekit's bundle");
    e.learn(p.ok({{"cmd", "bundle"}})["xml"]);
    python_side py{p};
    if (mode == "initiate") {
        e.initiate();
        // Two key exchanges before python answers: the second arrives
        // first, and both decrypt on the one session python builds.
        message first = e.send("hello python", true);
        message second = e.send("again", true);
        expect(python_took(py.receive(second.xml), second), "python refused the 2nd key exchange");
        expect(python_took(py.receive(first.xml), first), "python refused the 1st key exchange");
        expect(!py.receive(first.xml).value("ok", false), "python took a replayed key exchange");
    } else {
        json r = p.ok({{"cmd", "initiate"},
                       {"jid", e2ekit_jid},
                       {"device", e2ekit_device},
                       {"bundle", e.bundle_xml()},
                       {"plaintext", hex(as_bytes(std::string_view("hello e2ekit")))}});
        message first{r["xml"], "hello e2ekit", true};
        message second = py.send("again");
        bool prekey = false;
        auto got = e.receive(second.xml, &prekey);
        expect(got && *got == second.plaintext && prekey, "e2ekit refused the 2nd key exchange");
        expect(e.prekeys.size() == 19, "e2ekit kept the used pre-key");
        got = e.receive(first.xml, &prekey);
        expect(got && *got == first.plaintext && prekey, "e2ekit refused the 1st key exchange");
        expect(!e.receive(first.xml), "e2ekit took a replayed key exchange");
    }
    converse(e, py, rng, total, mode == "initiate");
    std::cerr << "oldmemo " << mode << ": ok\n";
    return 0;
}

int run_xml(peer& p, testing::deterministic_random& rng) {
    setup_python(p);
    // Device lists both ways.
    const std::vector<std::uint32_t> ids{1, 2002, 4294967295u, 77};
    auto theirs = om::parse_device_list(
        p.ok({{"cmd", "device_list"}, {"ids", ids}})["xml"].get<std::string>());
    expect(theirs && *theirs == ids, "e2ekit read python's device list otherwise");
    json back = p.ok({{"cmd", "parse_device_list"}, {"xml", om::serialize_device_list(ids)}});
    std::vector<std::uint32_t> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    expect(back["ids"].get<std::vector<std::uint32_t>>() == sorted,
           "python read e2ekit's device list otherwise");

    // Identities of both kinds and both sign bits: python reads the same
    // Ed25519 key, accepts the signature and starts a session e2ekit takes.
    int sign_bits[2][2] = {};
    for (int i = 0; sign_bits[0][0] + sign_bits[0][1] + sign_bits[1][0] + sign_bits[1][1] < 24;
         ++i) {
        const bool seed = i % 2 == 0;
        e2ekit_side e(
            rng, seed ? om::identity_key_pair::generate(rng)
                      : om::identity_key_pair::from_private(crypto::x25519::generate(rng).priv));
        const int bit = e.identity.ed25519_public()[31] >> 7;
        if (sign_bits[seed][bit] >= 6) continue;
        ++sign_bits[seed][bit];
        const std::uint32_t device = 3000 + static_cast<std::uint32_t>(i);
        json learned = p.ok(
            {{"cmd", "learn"}, {"jid", e2ekit_jid}, {"device", device}, {"xml", e.bundle_xml()}});
        expect(learned["identity_key_ed25519"] == hex(e.identity.ed25519_public()),
               "python reads another Ed25519 identity key");
        expect(e.bundle().identity_key_ed25519() == e.identity.ed25519_public(),
               "e2ekit reads another Ed25519 identity key from its own bundle");
        e.learn(p.ok({{"cmd", "bundle"}})["xml"]);
        json r = p.ok({{"cmd", "initiate"},
                       {"jid", e2ekit_jid},
                       {"device", device},
                       {"bundle", e.bundle_xml()},
                       {"plaintext", hex(as_bytes(std::string_view("hi")))}});
        // python addressed this device: e2ekit reads it as its own.
        auto el = om::parse_encrypted(r["xml"].get<std::string>());
        expect(el && el->key_for(device), "python's message names another device");
        el->keys.front().rid = e2ekit_device;
        auto got = e.receive(om::serialize_encrypted(*el));
        expect(got && *got == std::optional<std::string>("hi"),
               "e2ekit refused python's first message");
    }

    // python's bundle through e2ekit's reader and writer, read by python
    // again to the same identity.
    const std::string theirs_xml = p.ok({{"cmd", "bundle"}})["xml"];
    auto b = om::parse_bundle(theirs_xml);
    expect(b && b->verify(), "python's bundle does not verify");
    const std::string rewritten = om::serialize_bundle(*b);
    auto again = om::parse_bundle(rewritten);
    expect(again && *again == *b, "e2ekit's bundle writer loses something");
    json relearned = p.ok(
        {{"cmd", "learn"}, {"jid", python_jid}, {"device", python_device}, {"xml", rewritten}});
    expect(relearned["identity_key_ed25519"] == hex(b->identity_key_ed25519()),
           "python reads e2ekit's copy of its bundle otherwise");
    expect(p.ok({{"cmd", "setup"}, {"jid", python_jid}, {"device", python_device}})
               .contains("identity_key_ed25519"),
           "python restarted");

    // A bad signature, both ways.
    auto forged = *b;
    forged.signed_prekey_signature[5] ^= 0x01;
    e2ekit_side e(rng, om::identity_key_pair::generate(rng));
    e.peer_bundle = *om::parse_bundle(om::serialize_bundle(forged));
    auto s = om::build_session_active(e.identity, *e.peer_bundle, rng);
    expect(!s && s.error() == agreement::agreement_error::bad_signature,
           "e2ekit took python's bundle with a bad signature");
    auto mine = e.bundle();
    mine.signed_prekey_signature[5] ^= 0x01;
    json refused = p.call({{"cmd", "initiate"},
                           {"jid", e2ekit_jid},
                           {"device", 4000},
                           {"bundle", om::serialize_bundle(mine)},
                           {"plaintext", nullptr}});
    expect(!refused.value("ok", true), "python took e2ekit's bundle with a bad signature");
    // The sign bit flipped alone (the other Ed25519 key) fails as well.
    mine = e.bundle();
    mine.signed_prekey_signature[63] ^= 0x80;
    refused = p.call({{"cmd", "initiate"},
                      {"jid", e2ekit_jid},
                      {"device", 4001},
                      {"bundle", om::serialize_bundle(mine)},
                      {"plaintext", nullptr}});
    expect(!refused.value("ok", true), "python took a bundle under the other sign bit");
    expect(!mine.verify(), "e2ekit took a bundle under the other sign bit");
    std::cerr << "oldmemo xml: ok\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: oldmemo_python_interop initiate|respond|xml <peer.py>\n";
        return 1;
    }
    const char* seed_env = std::getenv("E2EKIT_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : 20261123;
    const char* n_env = std::getenv("OLDMEMO_MESSAGES");
    const int total = n_env ? std::atoi(n_env) : 600;
    const std::string mode = argv[1];
    try {
        testing::deterministic_random rng(seed);
        peer p({"/usr/bin/python3", argv[2], std::to_string(seed)});
        try {
            p.ok({{"cmd", "hello"}});
        } catch (const peer_failure&) {
            std::cerr << "python-oldmemo is not installed: skipped\n";
            return 77;
        }
        return mode == "xml" ? run_xml(p, rng) : run_session(mode, p, rng, total);
    } catch (const std::exception& e) {
        std::cerr << "oldmemo " << mode << " FAILED (E2EKIT_SEED=" << seed << "): " << e.what()
                  << "\n";
        return 1;
    }
}
