// Migration from libsignal-protocol-c: two libsignal-protocol-c peers (signal_c_peer,
// ../signal_c/PROTOCOL.md) converse; then one of them is serialised with libsignal-c's own
// *_serialize functions (its session record with the other, identity key pair, pre-keys and
// signed pre-key), imported into e2ekit (protocols/signal/import.hpp), and e2ekit takes its
// place in the same conversation:
//
//   signal_v3_import_interop responder <peer...>   import the side that accepted the session:
//       its record holds receiver chains with stored message keys in the current state and in
//       an archived one (the other side started over); the messages it never received arrive
//       at e2ekit; then random turns both ways with reordering, and the other side starts a
//       new session from e2ekit's bundle of the imported pre-keys, and more turns.
//   signal_v3_import_interop initiator <peer...>   import the side that started the session
//       while its pre-key message is unacknowledged: e2ekit keeps sending pre-key messages
//       until answered; then the same.
//   signal_v3_import_interop corpus <dir> <peer...>  both, short, writing the serialised
//       records as seeds for fuzz/signal_import (see fuzz/signal_import/make_corpus.sh).
//
// Exit 0 on success, 1 on a failure, 77 when the peer cannot run here. SIGNAL_V3_SEED replays
// the conversation's choices (the peers draw their own keys); SIGNAL_V3_MESSAGES sets the
// length of each conversation phase (default 400).
#include <e2ekit/protocols/signal/import.hpp>

#include "../../support/peer_process.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using json = nlohmann::json;
using test::failure;
using test::hex;
using test::peer;
using test::unhex;

using spk_t = identity::signed_prekey<sig::x3dh_params>;
using otk_t = identity::one_time_prekey<sig::x3dh_params>;

sig::public_key key33(const json& j) {
    auto k = sig::key_encoding::decode(unhex(j));
    if (!k) throw failure("peer sent a bad public key");
    return *k;
}

struct message {
    int type = 0;
    bytes body;
    bytes plaintext;
};

/// One end of a conversation.
struct endpoint {
    virtual ~endpoint() = default;
    virtual message send(const bytes& plaintext) = 0;
    virtual void receive(const message& m) = 0;
};

/// A libsignal-protocol-c peer; `other` is the address it knows the other end by.
struct c_end final : endpoint {
    peer& p;
    json other;
    c_end(peer& pp, json o) : p(pp), other(std::move(o)) {}

    message send(const bytes& pt) override {
        json r = p.ok({{"cmd", "encrypt"},
                       {"name", other["name"]},
                       {"device", other["device"]},
                       {"plaintext", hex(pt)}});
        return {r["type"].get<int>(), unhex(r["body"]), pt};
    }
    void receive(const message& m) override {
        json r = p.call({{"cmd", "decrypt"},
                         {"name", other["name"]},
                         {"device", other["device"]},
                         {"type", m.type},
                         {"body", hex(m.body)}});
        if (!r.value("ok", false)) throw failure("libsignal-c decrypt: " + r.dump());
        if (unhex(r["plaintext"]) != m.plaintext)
            throw failure("libsignal-c decrypted other bytes");
    }
};

/// What libsignal-protocol-c's *_serialize functions hand over for one device.
struct exported {
    bytes record, identity, signed_prekey;
    std::vector<bytes> prekeys;
    std::uint32_t registration_id = 0;
    sig::public_key identity_key{};
};

exported export_device(peer& p, const json& other) {
    exported x;
    x.record = unhex(p.ok({{"cmd", "serialize_session"},
                           {"name", other["name"]},
                           {"device", other["device"]}})["record"]);
    x.identity = unhex(p.ok({{"cmd", "serialize_identity"}})["record"]);
    json id = p.ok({{"cmd", "identity"}});
    x.registration_id = id["registration_id"];
    x.identity_key = key33(id["identity_key"]);
    json ids = p.ok({{"cmd", "prekeys"}});
    for (const auto& k : ids["prekey_ids"])
        x.prekeys.push_back(unhex(p.ok({{"cmd", "serialize_prekey"}, {"id", k}})["record"]));
    const auto& spks = ids["signed_prekey_ids"];
    if (spks.size() != 1) throw failure("expected one signed pre-key");
    x.signed_prekey = unhex(p.ok({{"cmd", "serialize_signed_prekey"}, {"id", spks[0]}})["record"]);
    return x;
}

template <class T>
T imported(result<T> r, const char* what) {
    if (!r) throw failure(std::string("import of the ") + what + ": " + r.error().message());
    return std::move(*r);
}

/// e2ekit in the place of a libsignal-protocol-c device, from its exported records. Every
/// step is committed to `record` and to e2ekit's own stored form, which must come back as the
/// same record.
struct e2e_end final : endpoint {
    testing::deterministic_random& rng;
    sig::key_pair identity;
    std::uint32_t registration_id;
    spk_t spk;
    std::map<std::uint32_t, otk_t> otks;
    sig::session_record record;
    bytes committed;

    e2e_end(testing::deterministic_random& r, const exported& x)
        : rng(r), identity(imported(sig::import_identity_key_pair(x.identity), "identity")),
          registration_id(x.registration_id),
          spk(imported(sig::import_signed_prekey(x.signed_prekey), "signed pre-key")) {
        if (identity.pub != x.identity_key) throw failure("imported identity is not the peer's");
        if (!spk.verify(identity.pub)) throw failure("imported signed pre-key: bad signature");
        for (const auto& b : x.prekeys) {
            auto k = imported(sig::import_prekey(b), "pre-key");
            const auto id = k.id;
            otks.emplace(id, std::move(k));
        }
        if (!commit(imported(sig::import_session_record(x.record), "session record")))
            throw failure("commit");
    }

    result<void> commit(const sig::session_record& r) {
        record = r.clone();
        auto ser = sig::serialize(r);
        committed.assign(ser.data(), ser.data() + ser.size());
        auto back = sig::parse(ser.view());
        if (!back || !(*back == r)) throw failure("record serialisation round trip");
        return ok();
    }

    message send(const bytes& pt) override {
        auto step = sig::encrypt(record, pt, rng);
        if (!step) throw failure("e2ekit encrypt: " + step.error().message());
        auto out = std::move(*step).commit([&](const sig::session_record& r) { return commit(r); });
        return {static_cast<int>(out->type), std::move(out->body), pt};
    }

    void receive(const message& m) override {
        const bytes before = committed;
        auto pt = decrypt(m);
        if (!pt) {
            if (committed != before) throw failure("a failed decrypt changed the state");
            throw failure("e2ekit decrypt: " + pt.error().message());
        }
        if (!equal_public(pt->view(), m.plaintext)) throw failure("e2ekit decrypted other bytes");
    }

    result<secret_bytes> decrypt(const message& m) {
        auto commit_fn = [&](const sig::session_record& r) { return commit(r); };
        if (m.type == 1) {
            E2EKIT_TRY(step, sig::decrypt(record, m.body));
            return std::move(step).commit(commit_fn);
        }
        E2EKIT_TRY(step, sig::decrypt_prekey(
                             record, m.body, identity, registration_id,
                             [&](std::uint32_t id) { return id == spk.id ? &spk.keys : nullptr; },
                             [&](std::uint32_t id) -> const sig::key_pair* {
                                 auto it = otks.find(id);
                                 return it == otks.end() ? nullptr : &it->second.keys;
                             }));
        E2EKIT_TRY(out, std::move(step).commit(commit_fn));
        if (out.used_prekey_id) otks.erase(*out.used_prekey_id); // used once (X3DH §3.4)
        return std::move(out.plaintext);
    }

    /// The bundle a server would hand out for this device, with an imported pre-key.
    json bundle() const {
        if (otks.empty()) throw failure("no imported pre-key left");
        const auto& k = otks.rbegin()->second;
        return {{"registration_id", registration_id},
                {"identity_key", hex(sig::key_encoding::encode(identity.pub))},
                {"signed_prekey_id", spk.id},
                {"signed_prekey", hex(sig::key_encoding::encode(spk.keys.pub))},
                {"signed_prekey_signature", hex(spk.signature)},
                {"prekey_id", k.id},
                {"prekey", hex(sig::key_encoding::encode(k.keys.pub))}};
    }

    std::size_t stored_message_keys() const {
        std::size_t n = 0;
        const auto count = [&](const sig::session_state& s) {
            for (const auto& c : s.ratchet.receivers)
                n += c.skipped.size();
        };
        if (record.current) count(*record.current);
        for (const auto& s : record.archived)
            count(*s);
        return n;
    }
};

/// `to` starts a session with the device whose bundle is `b`.
void process_bundle(peer& to, const json& address, json b) {
    b["cmd"] = "process_bundle";
    b["name"] = address["name"];
    b["device"] = address["device"];
    to.ok(b);
}

json peer_bundle(peer& p) {
    json b = p.ok({{"cmd", "bundle"}});
    b.erase("ok");
    b.erase("device_id");
    return b;
}

/// Two ends and the messages in flight between them.
struct link {
    std::mt19937_64& rnd;
    endpoint* x;
    endpoint* y;
    std::deque<message> to_x, to_y;
    std::size_t sent = 0, delivered = 0, out_of_order = 0;

    link(std::mt19937_64& r, endpoint* a, endpoint* b) : rnd(r), x(a), y(b) {}

    bytes plaintext() {
        bytes b(1 + rnd() % 120);
        for (auto& v : b)
            v = static_cast<byte>(rnd());
        return b;
    }
    message x_sends() { return x->send(plaintext()); }
    message y_sends() { return y->send(plaintext()); }

    /// Delivers `n` messages of a direction, each picked at random.
    void flush(std::deque<message>& q, endpoint* to, std::size_t n) {
        for (; n > 0 && !q.empty(); --n) {
            const std::size_t at = rnd() % 3 == 0 ? rnd() % q.size() : 0;
            if (at != 0) ++out_of_order;
            message m = std::move(q[at]);
            q.erase(q.begin() + static_cast<std::ptrdiff_t>(at));
            to->receive(m);
            ++delivered;
        }
    }

    /// Random turns for `n` messages, then everything in flight delivered.
    void talk(std::size_t n) {
        for (std::size_t i = 0; i < n;) {
            const std::size_t k = 1 + rnd() % 4;
            const bool from_x = rnd() % 2;
            for (std::size_t j = 0; j < k && i < n; ++j, ++i, ++sent)
                (from_x ? to_y : to_x).push_back(from_x ? x_sends() : y_sends());
            flush(to_y, y, to_y.size() > 10 ? to_y.size() : rnd() % (to_y.size() + 1));
            flush(to_x, x, to_x.size() > 10 ? to_x.size() : rnd() % (to_x.size() + 1));
        }
        flush(to_y, y, to_y.size());
        flush(to_x, x, to_x.size());
    }
};

/// `from` sends five messages to `to`, which receives the first and the last two; the
/// second and third are returned, undelivered: their keys are stored on `to`'s side.
std::vector<message> with_gap(link& l, bool from_x) {
    std::vector<message> sent, held;
    for (int i = 0; i < 5; ++i)
        sent.push_back(from_x ? l.x_sends() : l.y_sends());
    endpoint* to = from_x ? l.y : l.x;
    for (int i : {0, 3, 4})
        to->receive(sent[static_cast<std::size_t>(i)]);
    held.push_back(sent[1]);
    held.push_back(sent[2]);
    return held;
}

void write_file(const std::filesystem::path& p, bytes_view b) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!f) throw failure("cannot write " + p.string());
}

/// The current state of a record alone: what session_state_serialize writes.
bytes current_state_of(bytes_view record) {
    codec::protobuf::reader r(record);
    codec::protobuf::field f;
    for (;;) {
        auto more = r.next(f);
        if (!more || !*more) throw failure("record without a current state");
        if (f.number == 1) {
            auto b = f.as_bytes();
            if (!b) throw failure("record: current state not a message");
            return bytes(b->begin(), b->end());
        }
    }
}

/// Seeds for fuzz/signal_import: the real records, and damaged copies.
void write_corpus(const std::filesystem::path& dir, const std::string& tag, const exported& x,
                  std::mt19937_64& rnd) {
    std::filesystem::create_directories(dir);
    write_file(dir / ("record_" + tag), x.record);
    write_file(dir / ("state_" + tag), current_state_of(x.record));
    write_file(dir / ("identity_" + tag), x.identity);
    write_file(dir / ("signed_prekey_" + tag), x.signed_prekey);
    write_file(dir / ("prekey_" + tag), x.prekeys.front());
    write_file(dir / ("record_" + tag + "_truncated"),
               bytes_view(x.record).first(x.record.size() / 2 + rnd() % 7));
    bytes flipped = x.record;
    flipped[rnd() % flipped.size()] ^= static_cast<byte>(1u << (rnd() % 8));
    write_file(dir / ("record_" + tag + "_flipped"), flipped);
}

struct options {
    std::size_t phase = 400;
    std::optional<std::filesystem::path> corpus;
};

/// Imports the side that accepted the session (see the top of the file).
void responder(const std::vector<std::string>& cmd, std::mt19937_64& rnd,
               testing::deterministic_random& rng, const options& o) {
    peer a(cmd);
    auto b = std::make_unique<peer>(cmd);
    a.ok({{"cmd", "init"}, {"registration_id", 1 + rnd() % 16380}});
    b->ok({{"cmd", "init"}, {"registration_id", 1 + rnd() % 16380}, {"prekey_count", 20}});
    const json bob = {{"name", "bob"}, {"device", 1}}, alice = {{"name", "alice"}, {"device", 1}};
    c_end A(a, bob), B(*b, alice);
    link ab{rnd, &A, &B};

    // libsignal-c with libsignal-c, then gaps in both directions of the newest chains.
    process_bundle(a, bob, peer_bundle(*b));
    B.receive(ab.x_sends());
    ab.talk(o.phase / 4);
    std::vector<message> old_to_b = with_gap(ab, true);
    std::vector<message> late_to_a = with_gap(ab, false);

    // A starts over: B archives the first session, with the keys of the messages it
    // missed there; the new one gets a gap too.
    process_bundle(a, bob, peer_bundle(*b));
    std::vector<message> new_to_b = with_gap(ab, true);
    A.receive(ab.y_sends());
    late_to_a.push_back(ab.y_sends());

    const exported x = export_device(*b, alice);
    if (o.corpus) write_corpus(*o.corpus, "responder", x, rnd);
    b.reset(); // libsignal-c's B is gone; e2ekit is B from here on

    e2e_end E(rng, x);
    if (!E.record.current || E.record.archived.empty())
        throw failure("imported record lacks the current or the archived state");
    const std::size_t stored = E.stored_message_keys();
    if (stored < 4) throw failure("imported record holds too few message keys");
    std::cerr << "imported: " << x.record.size() << " bytes, " << E.record.archived.size()
              << " archived, " << stored << " stored message keys, " << E.otks.size()
              << " pre-keys\n";

    // What B never received arrives at e2ekit: stored keys in the current and the
    // archived state (which becomes current, as libsignal-c would make it).
    std::vector<message> missed = old_to_b;
    missed.insert(missed.end(), new_to_b.begin(), new_to_b.end());
    std::shuffle(missed.begin(), missed.end(), rnd);
    for (const auto& m : missed)
        E.receive(m);
    if (E.stored_message_keys() != stored - missed.size())
        throw failure("stored message keys were not used up");
    for (const auto& m : late_to_a)
        A.receive(m);

    link ae{rnd, &A, &E};
    ae.talk(o.phase);
    // A starts over from e2ekit's bundle of the imported pre-keys.
    const std::size_t archived = E.record.archived.size();
    process_bundle(a, bob, E.bundle());
    const std::size_t otks = E.otks.size();
    E.receive(ae.x_sends());
    if (E.otks.size() != otks - 1 || E.record.archived.size() != archived + 1)
        throw failure("the new session did not use an imported pre-key");
    ae.talk(o.phase / 2);
    std::cerr << "responder: " << ab.sent + ae.sent << " messages, "
              << ab.out_of_order + ae.out_of_order << " out of order, " << missed.size()
              << " from before the import\n";
}

/// Imports the side that started the session, still unacknowledged.
void initiator(const std::vector<std::string>& cmd, std::mt19937_64& rnd,
               testing::deterministic_random& rng, const options& o) {
    auto a = std::make_unique<peer>(cmd);
    peer b(cmd);
    a->ok({{"cmd", "init"}, {"registration_id", 1 + rnd() % 16380}, {"prekey_count", 20}});
    b.ok({{"cmd", "init"}, {"registration_id", 1 + rnd() % 16380}});
    const json bob = {{"name", "bob"}, {"device", 1}}, alice = {{"name", "alice"}, {"device", 1}};
    c_end A(*a, bob), B(b, alice);
    link ab{rnd, &A, &B};

    process_bundle(*a, bob, peer_bundle(b));
    std::vector<message> held_for_b = with_gap(ab, true);
    std::vector<message> late_to_a;
    for (int i = 0; i < 3; ++i)
        late_to_a.push_back(ab.y_sends());

    const exported x = export_device(*a, bob);
    if (o.corpus) write_corpus(*o.corpus, "initiator", x, rnd);
    a.reset();

    e2e_end E(rng, x);
    if (!E.record.current || !E.record.current->unacknowledged)
        throw failure("imported record lacks the unacknowledged pre-key message");
    link eb{rnd, &E, &B};
    // Unanswered, e2ekit repeats the pre-key message, as libsignal-c would.
    for (int i = 0; i < 2; ++i) {
        message m = eb.x_sends();
        if (m.type != 3) throw failure("e2ekit did not repeat the pre-key message");
        B.receive(m);
    }
    for (const auto& m : held_for_b)
        B.receive(m);
    for (int i : {2, 0, 1})
        E.receive(late_to_a[static_cast<std::size_t>(i)]);
    message answered = eb.x_sends();
    if (answered.type != 1) throw failure("e2ekit still sends pre-key messages");
    B.receive(answered);

    eb.talk(o.phase);
    // B starts over from e2ekit's bundle of the imported pre-keys.
    process_bundle(b, alice, E.bundle());
    const std::size_t otks = E.otks.size();
    E.receive(eb.y_sends());
    if (E.otks.size() != otks - 1) throw failure("the new session used no imported pre-key");
    eb.talk(o.phase / 2);
    std::cerr << "initiator: " << ab.sent + eb.sent << " messages, " << eb.out_of_order
              << " out of order\n";
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: signal_v3_import_interop responder|initiator <peer...>\n"
                     "       signal_v3_import_interop corpus <dir> <peer...>\n";
        return 1;
    }
    const std::string mode = argv[1];
    options o;
    int first = 2;
    if (mode == "corpus") {
        if (argc < 4) return 1;
        o.corpus = argv[2];
        o.phase = 20;
        first = 3;
    }
    std::vector<std::string> cmd(argv + first, argv + argc);
    if (access(cmd[0].c_str(), X_OK) != 0) return 77;
    const char* seed_env = std::getenv("SIGNAL_V3_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10)
                                        : static_cast<std::uint64_t>(std::random_device{}());
    if (const char* n = std::getenv("SIGNAL_V3_MESSAGES")) o.phase = std::strtoull(n, nullptr, 10);
    std::cerr << "signal_v3 import " << mode << " seed " << seed << "\n";
    std::mt19937_64 rnd(seed);
    testing::deterministic_random rng(seed);
    try {
        if (mode == "responder" || mode == "corpus") responder(cmd, rnd, rng, o);
        if (mode == "initiator" || mode == "corpus") initiator(cmd, rnd, rng, o);
        if (mode != "responder" && mode != "initiator" && mode != "corpus") {
            std::cerr << "unknown mode " << mode << "\n";
            return 1;
        }
        std::cerr << "signal_v3 import " << mode << ": ok\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "signal_v3 import " << mode << " FAILED: " << e.what() << "\n";
        return 1;
    }
}
