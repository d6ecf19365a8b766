// Fuzzes session::manager::decrypt with both OMEMO backends: the first byte
// picks OMEMO 2 or 0.3, the rest is the <encrypted> element, decrypted by
// alice's manager from bob, in a fixed world where the two have talked
// (sessions confirmed both ways). Properties: a refusal commits nothing
// (the store wrapper records commits instead of applying them, so every
// input starts from the same state); what decrypts is bob's one genuine
// plaintext or an empty message. Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir>
// replay_omemo_session /dev/null.
#include <e2ekit/session/manager.hpp>

#include <e2ekit/protocols/oldmemo.hpp>
#include <e2ekit/protocols/twomemo.hpp>
#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/trust/btbv.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace e2ekit;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

/// Reads from a memory store; commits go through only while `live`, and
/// are otherwise only counted.
class recording_store {
public:
    using store_concept = storage::store_tag;
    explicit recording_store(storage::memory_store& s) : s_(&s) {}
    result<secret_bytes> get(std::string_view ns, std::string_view key) const {
        return s_->get(ns, key);
    }
    result<bool> contains(std::string_view ns, std::string_view key) const {
        return s_->contains(ns, key);
    }
    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const {
        return s_->list(ns, prefix);
    }
    result<void> commit(const storage::batch& b) {
        ++commits;
        if (live) return s_->commit(b);
        return ok();
    }
    bool live = true;
    int commits = 0;

private:
    storage::memory_store* s_;
};

constexpr const char* alice = "alice@example.org";
constexpr const char* bob = "bob@example.org";
constexpr std::uint64_t now = 1'700'000'000;
const std::string genuine = "genuine";

template <class P>
struct world {
    using alice_manager = session::manager<recording_store, trust::btbv, session::delete_on_use, P>;
    using bob_manager =
        session::manager<storage::memory_store, trust::btbv, session::delete_on_use, P>;
    using B = session::session_backend_t<P>;

    storage::memory_store alice_base, bob_store;
    recording_store alice_store{alice_base};
    std::vector<std::string> seeds; ///< bob's genuine messages to alice, kex first

    world() {
        testing::deterministic_random r(77);
        auto a = alice_manager::open(alice_store, r, alice, "a", now).value();
        auto b = bob_manager::open(bob_store, r, bob, "b", now).value();
        const std::string ns(B::namespace_uri);
        const std::vector<session::listed_device> la{{a.device_id(), "a"}},
            lb{{b.device_id(), "b"}};
        (void)a.on_device_list(ns, bob, B::device_list_xml(lb)).value();
        (void)b.on_device_list(ns, alice, B::device_list_xml(la)).value();
        (void)a.on_bundle(ns, bob, b.device_id(), b.publish_bundles()[0].xml, r).value();
        (void)b.on_bundle(ns, alice, a.device_id(), a.publish_bundles()[0].xml, r).value();
        const std::vector<std::string> to_a{alice}, to_b{bob};
        // A key exchange, read; the answer, read; then a normal message.
        seeds.push_back(b.encrypt(to_a, as_bytes(genuine), r).value().messages.at(0).xml);
        auto got = a.decrypt(ns, bob, seeds.back(), r, now).value();
        for (const auto& f : got.follow_ups)
            if (f.what == session::outgoing::kind::message)
                (void)b.decrypt(ns, alice, f.xml, r, now).value();
        seeds.push_back(b.encrypt(to_a, as_bytes(genuine), r).value().messages.at(0).xml);
        alice_store.live = false;
    }

    void run(std::string_view xml) {
        testing::deterministic_random r(78);
        auto a = alice_manager::open(alice_store, r, alice, "a", now).value();
        alice_store.commits = 0;
        auto got = a.decrypt(B::namespace_uri, bob, xml, r, now);
        if (!got) {
            require(alice_store.commits == 0);
            return;
        }
        require(alice_store.commits == 1);
        require(!got->plaintext || std::string(as_chars(got->plaintext->view())) == genuine);
    }
};

world<protocols::twomemo>& two() {
    static world<protocols::twomemo> w;
    return w;
}
world<protocols::oldmemo>& old() {
    static world<protocols::oldmemo> w;
    return w;
}

void write_seeds(const char* dir) {
    int n = 0;
    auto put = [&](char kind, const std::string& xml) {
        std::ofstream f(std::string(dir) + "/seed" + std::to_string(n++), std::ios::binary);
        f.put(kind);
        f << xml;
    };
    for (const auto& s : two().seeds)
        put(0, s);
    for (const auto& s : old().seeds)
        put(1, s);
    put(0, "<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'/></encrypted>");
    put(1, "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><iv>AAAA</iv>"
           "</header></encrypted>");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const std::string_view xml(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0)
        two().run(xml);
    else
        old().run(xml);
    return 0;
}
