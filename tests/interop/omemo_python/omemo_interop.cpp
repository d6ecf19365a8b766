// e2ekit's session::manager against python-omemo 1.0's SessionManager
// (python-twomemo, python-oldmemo), with this driver as the XMPP server
// between them: it keeps every account's published device lists and
// bundles, pushes lists (and the bundles they name) to every device, and
// delivers <encrypted> elements and the empty messages either side sends
// on its own. For each backend, and for both loaded at once:
// - two e2ekit devices (alice) and two python-omemo devices (bob);
// - sessions started from each side, messages fanned out to every device
//   of the recipient and the sender's own other device;
// - 200 messages each way, delivered out of order;
// - a device removed from its list gets nothing, and again once re-added;
// - a distrusted device is refused on both sides, and heard again once
//   trusted;
// - state loss healed both ways: e2ekit replaces a lost session from the
//   bundle, python-omemo replaces its sessions; each side's empty message
//   announces the new session and the conversation goes on.
// E2EKIT_SEED=<n> replays a run. Exit 77 when python-omemo is missing.
#include <e2ekit/protocols/oldmemo.hpp>
#include <e2ekit/protocols/twomemo.hpp>
#include <e2ekit/session/manager.hpp>

#include <tests/support/expect.hpp>
#include <tests/support/peer_process.hpp>

#include <e2ekit/core/random.hpp>
#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/trust/btbv.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace e2ekit;
using json = nlohmann::json;
using session::outgoing;

namespace {

constexpr const char* alice = "alice@example.org";
constexpr const char* bob = "bob@example.org";
constexpr std::uint64_t now = 1'700'000'000;

std::string str(const json& j) {
    return j.get<std::string>();
}

std::string text_of(const secret_bytes& b) {
    return std::string(as_chars(b.view()));
}

template <class... Bs>
struct world {
    using manager_t =
        session::manager<storage::memory_store, trust::btbv, session::delete_on_use, Bs...>;

    struct e2e_device {
        storage::memory_store store;
        std::optional<manager_t> m;
    };
    struct py_device {
        std::unique_ptr<test::peer> p;
        std::uint32_t id = 0;
        bool online = true;
    };

    testing::deterministic_random& rng;
    std::string script;
    std::uint64_t seed;
    std::vector<std::unique_ptr<e2e_device>> alices;
    std::vector<std::unique_ptr<py_device>> bobs;
    /// The server: lists by (namespace, JID), bundles by (namespace, JID, id).
    std::map<std::pair<std::string, std::string>, std::string> lists;
    std::map<std::tuple<std::string, std::string, std::uint32_t>, std::string> bundles;
    /// What python-omemo has received, by (device, plaintext); and e2ekit.
    std::multiset<std::pair<std::uint32_t, std::string>> py_got, e2e_got;
    std::vector<std::string> ns_list{std::string(Bs::namespace_uri)...};

    world(testing::deterministic_random& r, std::string s, std::uint64_t sd)
        : rng(r), script(std::move(s)), seed(sd) {}

    template <class F>
    static void for_backend(std::string_view ns, F&& f) {
        (void)((ns == Bs::namespace_uri
                    ? (f(std::type_identity<session::session_backend_t<Bs>>{}), true)
                    : false) ||
               ...);
    }
    static std::string list_xml(std::string_view ns,
                                const std::vector<session::listed_device>& list) {
        std::string out;
        for_backend(ns, [&]<class B>(std::type_identity<B>) { out = B::device_list_xml(list); });
        return out;
    }

    // --- the server ----------------------------------------------------

    void publish(const std::string& jid, std::uint32_t device, const outgoing& o) {
        if (o.what == outgoing::kind::bundle) {
            bundles[{o.ns, jid, device}] = o.xml;
            for (auto& b : bobs)
                b->p->ok({{"cmd", "bundle"},
                          {"ns", o.ns},
                          {"jid", jid},
                          {"device", device},
                          {"xml", o.xml}});
            for (auto& a : alices)
                if (!(jid == alice && a->m->device_id() == device))
                    (void)a->m->on_bundle(o.ns, jid, device, o.xml, rng);
        } else if (o.what == outgoing::kind::device_list) {
            lists[{o.ns, jid}] = o.xml;
            push_list(o.ns, jid);
        }
    }
    /// Every device learns the list, then (e2ekit) the bundles it names.
    void push_list(const std::string& ns, const std::string& jid) {
        const std::string& xml = lists[{ns, jid}];
        for (auto& b : bobs)
            if (b->online)
                absorb(*b,
                       b->p->ok({{"cmd", "device_list"}, {"ns", ns}, {"jid", jid}, {"xml", xml}}));
        for (auto& a : alices) {
            for (const auto& o : a->m->on_device_list(ns, jid, xml).value())
                publish(alice, a->m->device_id(), o);
            for (const auto& [key, bxml] : bundles) {
                const auto& [bns, bjid, bdev] = key;
                if (bns == ns && bjid == jid && !(jid == alice && bdev == a->m->device_id()))
                    (void)a->m->on_bundle(ns, jid, bdev, bxml, rng);
            }
        }
    }
    /// A python-omemo reply's publications and sent messages.
    void absorb(py_device& from, const json& reply) {
        for (const auto& o : reply.value("outbox", json::array())) {
            const std::string kind = o["kind"];
            if (kind == "bundle")
                publish(bob, o["device"],
                        {outgoing::kind::bundle, str(o["ns"]), {}, str(o["xml"])});
            else if (kind == "devices")
                publish(bob, from.id,
                        {outgoing::kind::device_list, str(o["ns"]), {}, str(o["xml"])});
            else if (kind == "message")
                deliver_from_bob(from, str(o["ns"]), str(o["to"]), str(o["xml"]));
        }
    }

    // --- delivery ------------------------------------------------------

    /// An <encrypted> from alice's device `from` to every device of `to`
    /// and alice's others.
    void deliver_from_alice(e2e_device& from, const outgoing& m, const std::string& to) {
        if (to == bob)
            for (auto& b : bobs) {
                if (!b->online) continue;
                const auto r = b->p->call(
                    {{"cmd", "decrypt"}, {"ns", m.ns}, {"sender", alice}, {"xml", m.xml}});
                absorb(*b, r);
                if (r.value("ok", false) && r["plaintext"].is_string())
                    py_got.insert({b->id, r["plaintext"]});
                else if (!r.value("ok", false) && std::getenv("E2EKIT_VERBOSE"))
                    std::fprintf(stderr, "python %u refused: %s\n", b->id, r.dump().c_str());
            }
        for (auto& a : alices)
            if (a.get() != &from) (void)receive_e2e(*a, m.ns, alice, m.xml);
    }
    void deliver_from_bob(py_device& from, const std::string& ns, const std::string& to,
                          const std::string& xml) {
        if (to == alice)
            for (auto& a : alices)
                (void)receive_e2e(*a, ns, bob, xml);
        for (auto& b : bobs)
            if (b.get() != &from && b->online) {
                const auto r =
                    b->p->call({{"cmd", "decrypt"}, {"ns", ns}, {"sender", bob}, {"xml", xml}});
                absorb(*b, r);
            }
    }
    result<session::decrypted> receive_e2e(e2e_device& a, const std::string& ns,
                                           const std::string& sender, const std::string& xml) {
        auto r = a.m->decrypt(ns, sender, xml, rng, now);
        if (!r) {
            if (std::getenv("E2EKIT_VERBOSE"))
                std::fprintf(stderr, "e2ekit %u refused: %s\n", a.m->device_id(),
                             r.error().message().c_str());
            return r;
        }
        if (r->plaintext) e2e_got.insert({a.m->device_id(), text_of(*r->plaintext)});
        for (const auto& f : r->follow_ups) {
            if (f.what == outgoing::kind::message)
                deliver_from_alice(a, f, f.to);
            else
                publish(alice, a.m->device_id(), f);
        }
        return r;
    }

    // --- the devices ---------------------------------------------------

    e2e_device& add_alice() {
        auto a = std::make_unique<e2e_device>();
        a->m.emplace(
            manager_t::open(a->store, rng, alice, "e2ekit " + std::to_string(alices.size()), now)
                .value());
        alices.push_back(std::move(a));
        auto& d = *alices.back();
        for (const auto& b : d.m->publish_bundles())
            publish(alice, d.m->device_id(), b);
        // The own lists as the server has them (none yet for the first
        // device), then this device in them.
        for (const auto& ns : ns_list) {
            const auto it = lists.find({ns, alice});
            if (it == lists.end()) continue;
            for (const auto& o : d.m->on_device_list(ns, alice, it->second).value())
                publish(alice, d.m->device_id(), o);
        }
        for (const auto& o : d.m->publish_device_lists().value())
            publish(alice, d.m->device_id(), o);
        // What the new device must know of bob.
        for (const auto& ns : ns_list)
            if (lists.count({ns, bob})) push_list(ns, bob);
        return d;
    }
    py_device& add_bob(const std::vector<std::string>& backends) {
        auto b = std::make_unique<py_device>();
        b->p = std::make_unique<test::peer>(std::vector<std::string>{
            "/usr/bin/python3", script, std::to_string(seed + bobs.size())});
        // What the server holds before the device starts.
        for (const auto& [key, xml] : bundles) {
            const auto& [ns, jid, dev] = key;
            b->p->ok({{"cmd", "bundle"}, {"ns", ns}, {"jid", jid}, {"device", dev}, {"xml", xml}});
        }
        for (const auto& [key, xml] : lists)
            b->p->ok(
                {{"cmd", "device_list"}, {"ns", key.first}, {"jid", key.second}, {"xml", xml}});
        const auto r = b->p->ok({{"cmd", "create"},
                                 {"jid", bob},
                                 {"backends", backends},
                                 {"label", "python " + std::to_string(bobs.size())}});
        b->id = r["device"];
        bobs.push_back(std::move(b));
        absorb(*bobs.back(), r);
        return *bobs.back();
    }

    session::encrypted alice_sends(e2e_device& a, const std::string& text) {
        const std::vector<std::string> to{bob};
        auto out = a.m->encrypt(to, as_bytes(text), rng).value();
        for (const auto& m : out.messages)
            deliver_from_alice(a, m, bob);
        return out;
    }
    json bob_sends(py_device& b, const std::string& text) {
        const auto r = b.p->ok({{"cmd", "encrypt"}, {"jids", {alice}}, {"plaintext", text}});
        absorb(b, r);
        for (const auto& m : r["messages"])
            deliver_from_bob(b, str(m["ns"]), alice, str(m["xml"]));
        return r;
    }
    std::string py_identity_of(py_device& asker, const std::string& jid, std::uint32_t device) {
        const auto r = asker.p->ok({{"cmd", "devices"}, {"jid", jid}});
        for (const auto& d : r["devices"])
            if (d["device"] == device) return d["identity_key"];
        return {};
    }
    /// Whether `m` holds a key for `jid`'s `device`.
    static bool has_key(const outgoing& m, const std::string& jid, std::uint32_t device) {
        bool found = false;
        for_backend(m.ns, [&]<class B>(std::type_identity<B>) {
            const auto parsed = B::parse_message(m.xml);
            found = parsed && B::key_for(*parsed, jid, device) != nullptr;
        });
        return found;
    }
    /// python-omemo's replace_sessions for one of alice's devices.
    void python_replaces(py_device& b, std::uint32_t device) {
        const auto r = b.p->ok({{"cmd", "replace_sessions"}, {"jid", alice}, {"device", device}});
        E2EKIT_EXPECT(r["failed"].empty());
        absorb(b, r);
    }
    std::size_t count(const std::multiset<std::pair<std::uint32_t, std::string>>& got,
                      std::uint32_t device, const std::string& text) {
        return got.count({device, text});
    }
};

/// 0..n-1 drawn in a random order.
std::vector<std::size_t> shuffled(std::size_t n, testing::deterministic_random& rng) {
    std::vector<std::size_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = i;
    for (std::size_t i = n; i > 1; --i)
        std::swap(v[i - 1], v[random_below(rng, static_cast<std::uint32_t>(i))]);
    return v;
}

template <class... Bs>
void scenario(testing::deterministic_random& rng, const std::string& script, std::uint64_t seed,
              const std::vector<std::string>& py_backends, const char* name) {
    world<Bs...> w(rng, script, seed);
    auto& a1 = w.add_alice();
    auto& b1 = w.add_bob(py_backends);
    auto& a2 = w.add_alice();
    auto& b2 = w.add_bob(py_backends);
    const auto a1id = a1.m->device_id(), a2id = a2.m->device_id();
    const auto b1id = b1.id, b2id = b2.id;

    // Sessions from both sides, fanned out to every device.
    auto first = w.alice_sends(a1, "hello bob");
    E2EKIT_EXPECT(first.skipped_devices.empty() && first.unreachable.empty());
    E2EKIT_EXPECT(w.count(w.py_got, b1id, "hello bob") == 1);
    E2EKIT_EXPECT(w.count(w.py_got, b2id, "hello bob") == 1);
    E2EKIT_EXPECT(w.count(w.e2e_got, a2id, "hello bob") == 1);
    w.bob_sends(b1, "hello alice");
    E2EKIT_EXPECT(w.count(w.e2e_got, a1id, "hello alice") == 1);
    E2EKIT_EXPECT(w.count(w.e2e_got, a2id, "hello alice") == 1);

    // 200 messages each way, each batch delivered to bob's first device out
    // of order (the others in order).
    for (int round = 0; round < 2; ++round) {
        std::vector<session::encrypted> sent;
        std::vector<std::string> texts;
        for (int i = 0; i < 100; ++i) {
            texts.push_back(std::string(name) + " a" + std::to_string(round) + "." +
                            std::to_string(i));
            sent.push_back(
                a1.m->encrypt(std::vector<std::string>{bob}, as_bytes(texts.back()), rng).value());
        }
        for (std::size_t k : shuffled(sent.size(), rng))
            for (const auto& m : sent[k].messages) {
                const auto r = b1.p->call(
                    {{"cmd", "decrypt"}, {"ns", m.ns}, {"sender", alice}, {"xml", m.xml}});
                w.absorb(b1, r);
                E2EKIT_EXPECT(r.value("ok", false) && r["plaintext"] == texts[k]);
            }
        std::vector<json> back;
        for (int i = 0; i < 100; ++i) {
            const std::string t =
                std::string(name) + " b" + std::to_string(round) + "." + std::to_string(i);
            const auto r = b1.p->ok({{"cmd", "encrypt"}, {"jids", {alice}}, {"plaintext", t}});
            w.absorb(b1, r);
            back.push_back(r);
        }
        std::size_t read = 0;
        for (std::size_t k : shuffled(back.size(), rng))
            for (const auto& m : back[k]["messages"]) {
                auto r = w.receive_e2e(a1, str(m["ns"]), bob, str(m["xml"]));
                read += r && r->plaintext;
            }
        E2EKIT_EXPECT(read == 100);
    }

    // A device leaves bob's list (it is offline: online, it would put itself
    // back at once): it gets nothing; back in, it does again.
    b2.online = false;
    for (const auto& ns : w.ns_list) {
        if (!w.lists.count({ns, bob})) continue;
        w.lists[{ns, bob}] = w.list_xml(ns, {{b1id, "python 0"}});
        w.push_list(ns, bob);
    }
    auto without = w.alice_sends(a1, "not for b2");
    for (const auto& m : without.messages) {
        E2EKIT_EXPECT(w.has_key(m, bob, b1id));
        E2EKIT_EXPECT(!w.has_key(m, bob, b2id));
    }
    for (const auto& ns : w.ns_list) {
        if (!w.lists.count({ns, bob})) continue;
        w.lists[{ns, bob}] = w.list_xml(ns, {{b1id, "python 0"}, {b2id, "python 1"}});
        w.push_list(ns, bob);
    }
    b2.online = true;
    for (const auto& ns : w.ns_list)
        if (w.lists.count({ns, bob})) w.push_list(ns, bob);
    w.alice_sends(a1, "b2 again");
    E2EKIT_EXPECT(w.count(w.py_got, b2id, "b2 again") == 1);

    // Trust: alice distrusts bob's first device, bob distrusts alice's
    // second; each side refuses, then both trust again.
    const auto b1_key = w.py_identity_of(b2, bob, b1id);
    auto b1_ik = codec::hex::decode(b1_key).value();
    const auto bob_devices = a1.m->devices(bob).value();
    for (const auto& d : bob_devices)
        if (d.device == b1id && d.identity_key) b1_ik = *d.identity_key;
    E2EKIT_EXPECT(a1.m->set_trust(bob, b1_ik, trust::btbv_level::distrusted).has_value());
    auto refused = a1.m->encrypt(std::vector<std::string>{bob}, as_bytes("x"), rng).value();
    E2EKIT_EXPECT(std::any_of(refused.skipped_devices.begin(), refused.skipped_devices.end(),
                              [&](const session::skipped& s) {
                                  return s.device == b1id &&
                                         s.reason == session::skip_reason::distrusted;
                              }));
    for (const auto& m : refused.messages)
        w.deliver_from_alice(a1, m, bob);
    const auto from_b1 = b1.p->ok({{"cmd", "encrypt"}, {"jids", {alice}}, {"plaintext", "y"}});
    w.absorb(b1, from_b1);
    for (const auto& m : from_b1["messages"]) {
        E2EKIT_EXPECT(a1.m->decrypt(str(m["ns"]), bob, str(m["xml"]), rng, now).error() ==
                      session::manager_error::sender_distrusted);
        (void)w.receive_e2e(a2, str(m["ns"]), bob, str(m["xml"]));
    }
    const std::string a2_key = w.py_identity_of(b1, alice, a2id);
    b1.p->ok(
        {{"cmd", "set_trust"}, {"jid", alice}, {"identity_key", a2_key}, {"level", "distrusted"}});
    const auto to_a2 = a2.m->encrypt(std::vector<std::string>{bob}, as_bytes("z"), rng).value();
    for (const auto& m : to_a2.messages) {
        const auto r =
            b1.p->call({{"cmd", "decrypt"}, {"ns", m.ns}, {"sender", alice}, {"xml", m.xml}});
        E2EKIT_EXPECT(!r.value("ok", true) && str(r["error"]).find("SenderDistrusted") == 0);
    }
    const auto skip_a2 = b1.p->ok({{"cmd", "encrypt"}, {"jids", {alice}}, {"plaintext", "w"}});
    for (const auto& m : skip_a2["messages"]) {
        const outgoing o{outgoing::kind::message, str(m["ns"]), {}, str(m["xml"])};
        E2EKIT_EXPECT(!w.has_key(o, alice, a2id));
    }
    E2EKIT_EXPECT(a1.m->set_trust(bob, b1_ik, trust::btbv_level::verified).has_value());
    b1.p->ok(
        {{"cmd", "set_trust"}, {"jid", alice}, {"identity_key", a2_key}, {"level", "trusted"}});
    w.alice_sends(a1, "trusted again");
    E2EKIT_EXPECT(w.count(w.py_got, b1id, "trusted again") == 1);
    w.bob_sends(b1, "heard again");
    E2EKIT_EXPECT(w.count(w.e2e_got, a1id, "heard again") == 1);
    E2EKIT_EXPECT(w.count(w.e2e_got, a2id, "heard again") == 1);

    // Healing, e2ekit's side: a1 loses its sessions; bob's next message
    // cannot be read; a1 replaces the session from b1's bundle.
    storage::batch wipe;
    const auto keys = a1.store.list("omemo.sessions", "").value();
    for (const auto& k : keys)
        wipe.erase("omemo.sessions", k);
    E2EKIT_EXPECT(a1.store.commit(wipe).has_value());
    const auto lost = b1.p->ok({{"cmd", "encrypt"}, {"jids", {alice}}, {"plaintext", "lost"}});
    w.absorb(b1, lost);
    for (const auto& m : lost["messages"])
        E2EKIT_EXPECT(a1.m->decrypt(str(m["ns"]), bob, str(m["xml"]), rng, now).error() ==
                      session::manager_error::no_session);
    for (const auto& [key, xml] : w.bundles) {
        const auto& [ns, jid, dev] = key;
        if (jid != bob || dev != b1id || ns != std::string(py_backends.front())) continue;
        const auto heal = a1.m->replace_session(ns, bob, b1id, xml, rng);
        E2EKIT_EXPECT(heal.has_value());
        if (heal) w.deliver_from_alice(a1, *heal, bob);
    }
    w.bob_sends(b1, "healed");
    E2EKIT_EXPECT(w.count(w.e2e_got, a1id, "healed") == 1);

    // Healing, python's side: b1 replaces its sessions with a1.
    w.python_replaces(b1, a1id);
    w.alice_sends(a1, "after python healed");
    E2EKIT_EXPECT(w.count(w.py_got, b1id, "after python healed") == 1);
    w.bob_sends(b1, "last");
    E2EKIT_EXPECT(w.count(w.e2e_got, a1id, "last") == 1);
    std::printf("%s: %zu messages read by python-omemo, %zu by e2ekit\n", name, w.py_got.size(),
                w.e2e_got.size());
}

} // namespace

/// argv[1]: omemo_peer.py.
int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const char* seed_env = std::getenv("E2EKIT_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : 2026;
    {
        test::peer probe({"/usr/bin/python3", argv[1], "0"});
        try {
            if (!probe.call({{"cmd", "hello"}}).value("ok", false)) return 77;
        } catch (const test::failure&) {
            return 77; // python-omemo is not installed
        }
    }
    testing::deterministic_random rng(seed);
    using protocols::oldmemo;
    using protocols::twomemo;
    try {
        scenario<twomemo>(rng, argv[1], seed, {std::string(twomemo::namespace_uri)}, "twomemo");
        scenario<oldmemo>(rng, argv[1], seed + 100, {std::string(oldmemo::namespace_uri)},
                          "oldmemo");
        scenario<twomemo, oldmemo>(
            rng, argv[1], seed + 200,
            {std::string(twomemo::namespace_uri), std::string(oldmemo::namespace_uri)}, "both");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return test::expect_summary("omemo: e2ekit's session manager and python-omemo's talk, both "
                                "backends, both ways");
}
