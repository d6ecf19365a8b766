// Signal v3: e2ekit beside libsignal-protocol-c 2.3.3 in one binary, in
// pairs named BM_<op>/<who> so the ratios are read off directly:
//
//   BM_session_setup   X3DH on both sides: the initiator processes a bundle
//                      and encrypts its first message, the responder
//                      accepts that PreKeySignalMessage
//   BM_encrypt         one SignalMessage on an established session
//   BM_decrypt_in_order one SignalMessage, in order, same chain
//   BM_dh_round_trip   A sends, B decrypts (a DH ratchet step), B answers,
//                      A decrypts (another): two messages, each decrypted
//                      after a DH step
//   BM_group_encrypt / BM_group_decrypt  sender keys, signed messages
//
// Both sides store what a device must keep: libsignal-c loads and saves its
// serialized records through its store callbacks on every operation (its
// only way), e2ekit keeps the record in memory and serializes it for each
// commit. libsignal-c runs on the OpenSSL provider of
// tests/interop/signal_c/signal_c_context.hpp. 100-byte plaintexts.
// Run: bench_signal_v3 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <e2ekit/protocols/signal/group.hpp>
#include <e2ekit/protocols/signal/record.hpp>

#include <benchmark/benchmark.h>

#include "tests/interop/signal_c/signal_c_context.hpp"

#include <group_cipher.h>
#include <group_session_builder.h>
#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>

#include <vector>

namespace {

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using signal_c::buffer;
using signal_c::ref;
using signal_c::require;

const bytes plaintext(100, 0x61);

// ---- e2ekit ------------------------------------------------------------------

using spk_t = identity::signed_prekey<sig::x3dh_params>;
using otk_t = identity::one_time_prekey<sig::x3dh_params>;

struct e2_device {
    system_random rng;
    sig::key_pair id = crypto::x25519::generate(rng);
    std::uint32_t reg = 1234;
    spk_t spk = spk_t::generate(id, 1, 0, rng);
    std::vector<otk_t> otks = otk_t::generate(1, 1, rng);
    sig::session_record record;
    secret_bytes stored; ///< what a commit writes

    sig::prekey_bundle bundle() const { return identity::make_bundle(id, reg, 1, spk, &otks[0]); }
    result<void> commit(const sig::session_record& r) {
        stored = sig::serialize(r);
        return ok();
    }
    template <class Step>
    auto commit_step(Step&& step) {
        return *std::move(step).commit([&](const sig::session_record& r) {
            record = r.clone();
            return commit(r);
        });
    }
    sig::outgoing encrypt() { return commit_step(*sig::encrypt(record, plaintext, rng)); }
    secret_bytes decrypt(const sig::outgoing& m) {
        if (m.type == sig::message_type::prekey) {
            auto pm = *sig::parse_prekey_signal_message(m.body);
            auto step = sig::decrypt_prekey(record, pm, [&](const sig::prekey_signal_message&) {
                return result<sig::responder_keys>(
                    sig::responder_keys{id, reg, spk.keys, &otks[0].keys});
            });
            return commit_step(*std::move(step)).plaintext;
        }
        return commit_step(*sig::decrypt(record, m.body));
    }
};

void start(e2_device& alice, e2_device& bob) {
    alice.record = sig::adopt({}, *sig::initiate(alice.id, alice.reg, bob.bundle(), alice.rng));
    bob.record = {};
    benchmark::DoNotOptimize(bob.decrypt(alice.encrypt()));
    benchmark::DoNotOptimize(alice.decrypt(bob.encrypt()));
}

void BM_session_setup_e2ekit(benchmark::State& st) {
    e2_device alice, bob;
    const auto b = bob.bundle();
    for (auto _ : st) {
        alice.record = sig::adopt({}, *sig::initiate(alice.id, alice.reg, b, alice.rng));
        bob.record = {};
        benchmark::DoNotOptimize(bob.decrypt(alice.encrypt()));
    }
}

void BM_encrypt_e2ekit(benchmark::State& st) {
    e2_device alice, bob;
    start(alice, bob);
    for (auto _ : st)
        benchmark::DoNotOptimize(alice.encrypt());
}

void BM_decrypt_in_order_e2ekit(benchmark::State& st) {
    e2_device alice, bob;
    start(alice, bob);
    std::vector<sig::outgoing> batch;
    for (int i = 0; i < 1024; ++i)
        batch.push_back(alice.encrypt());
    const auto snapshot = bob.record.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            bob.record = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        benchmark::DoNotOptimize(bob.decrypt(batch[i++]));
    }
}

void BM_dh_round_trip_e2ekit(benchmark::State& st) {
    e2_device alice, bob;
    start(alice, bob);
    for (auto _ : st) {
        benchmark::DoNotOptimize(bob.decrypt(alice.encrypt()));
        benchmark::DoNotOptimize(alice.decrypt(bob.encrypt()));
    }
}

struct e2_group {
    system_random rng;
    sig::sender_key_record sender = sig::create_sender_key(rng);
    sig::sender_key_record member =
        *sig::process_distribution({}, sig::distribution_message(sender)->view());
    secret_bytes stored;

    bytes encrypt() {
        return *std::move(*sig::group_encrypt(sender, plaintext, rng))
                    .commit([&](const sig::sender_key_record& r) {
                        stored = sig::serialize(r);
                        sender = r.clone();
                        return ok();
                    });
    }
    secret_bytes decrypt(bytes_view m) {
        return *std::move(*sig::group_decrypt(member, m))
                    .commit([&](const sig::sender_key_record& r) {
                        stored = sig::serialize(r);
                        member = r.clone();
                        return ok();
                    });
    }
};

void BM_group_encrypt_e2ekit(benchmark::State& st) {
    e2_group g;
    for (auto _ : st)
        benchmark::DoNotOptimize(g.encrypt());
}

void BM_group_decrypt_e2ekit(benchmark::State& st) {
    e2_group g;
    std::vector<bytes> batch;
    for (int i = 0; i < 1024; ++i)
        batch.push_back(g.encrypt());
    const auto snapshot = g.member.clone();
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            g.member = snapshot.clone();
            i = 0;
            st.ResumeTiming();
        }
        benchmark::DoNotOptimize(g.decrypt(batch[i++]));
    }
}

// ---- libsignal-protocol-c ----------------------------------------------------

struct c_device {
    signal_c::context c{false};
    signal_protocol_address peer{"peer", 4, 1};
    std::vector<std::uint8_t> prekey_record; ///< restored after each use
    ref<session_pre_key_bundle> bundle;

    c_device() {
        ref<ratchet_identity_key_pair> identity;
        require(signal_protocol_key_helper_generate_identity_key_pair(identity.out(), c.ctx),
                "identity");
        buffer pub, priv;
        require(ec_public_key_serialize(pub.out(),
                                        ratchet_identity_key_pair_get_public(identity.get())),
                "public");
        require(ec_private_key_serialize(priv.out(),
                                         ratchet_identity_key_pair_get_private(identity.get())),
                "private");
        c.st.identity_public = pub.vec();
        c.st.identity_private = priv.vec();
        c.st.registration_id = 1234;
        ref<session_signed_pre_key> spk;
        require(signal_protocol_key_helper_generate_signed_pre_key(spk.out(), identity.get(), 1, 0,
                                                                   c.ctx),
                "signed pre-key");
        require(signal_protocol_signed_pre_key_store_key(c.store, spk.get()), "store spk");
        signal_protocol_key_helper_pre_key_list_node* head = nullptr;
        require(signal_protocol_key_helper_generate_pre_keys(&head, 1, 1, c.ctx), "pre-keys");
        session_pre_key* pk = signal_protocol_key_helper_key_list_element(head);
        require(signal_protocol_pre_key_store_key(c.store, pk), "store pre-key");
        prekey_record = c.st.pre_keys.at(1);
        require(session_pre_key_bundle_create(
                    bundle.out(), 1234, 1, 1,
                    ec_key_pair_get_public(session_pre_key_get_key_pair(pk)), 1,
                    ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk.get())),
                    session_signed_pre_key_get_signature(spk.get()),
                    session_signed_pre_key_get_signature_len(spk.get()),
                    ratchet_identity_key_pair_get_public(identity.get())),
                "bundle");
        signal_protocol_key_helper_key_list_free(head);
    }

    void process(const c_device& other) {
        session_builder* b = nullptr;
        require(session_builder_create(&b, c.store, &peer, c.ctx), "builder");
        const int rc = session_builder_process_pre_key_bundle(b, other.bundle.get());
        session_builder_free(b);
        require(rc, "process bundle");
    }

    /// Returns (type, body).
    std::pair<int, std::vector<std::uint8_t>> encrypt() {
        session_cipher* cipher = nullptr;
        require(session_cipher_create(&cipher, c.store, &peer, c.ctx), "cipher");
        ref<ciphertext_message> msg;
        const int rc =
            session_cipher_encrypt(cipher, plaintext.data(), plaintext.size(), msg.out());
        session_cipher_free(cipher);
        require(rc, "encrypt");
        signal_buffer* body = ciphertext_message_get_serialized(msg.get());
        const std::uint8_t* d = signal_buffer_const_data(body);
        return {ciphertext_message_get_type(msg.get()),
                std::vector<std::uint8_t>(d, d + signal_buffer_len(body))};
    }

    std::size_t decrypt(const std::pair<int, std::vector<std::uint8_t>>& m) {
        session_cipher* cipher = nullptr;
        require(session_cipher_create(&cipher, c.store, &peer, c.ctx), "cipher");
        buffer pt;
        int rc = 0;
        if (m.first == CIPHERTEXT_PREKEY_TYPE) {
            ref<pre_key_signal_message> msg;
            rc = pre_key_signal_message_deserialize(msg.out(), m.second.data(), m.second.size(),
                                                    c.ctx);
            if (rc >= 0)
                rc = session_cipher_decrypt_pre_key_signal_message(cipher, msg.get(), nullptr,
                                                                   pt.out());
        } else {
            ref<signal_message> msg;
            rc = signal_message_deserialize(msg.out(), m.second.data(), m.second.size(), c.ctx);
            if (rc >= 0)
                rc = session_cipher_decrypt_signal_message(cipher, msg.get(), nullptr, pt.out());
        }
        session_cipher_free(cipher);
        require(rc, "decrypt");
        return signal_buffer_len(pt.p);
    }
};

void start(c_device& alice, c_device& bob) {
    alice.process(bob);
    bob.decrypt(alice.encrypt());
    alice.decrypt(bob.encrypt());
}

void BM_session_setup_libsignal_c(benchmark::State& st) {
    c_device alice, bob;
    for (auto _ : st) {
        // A fresh start each time, as e2ekit's: no archived states pile up.
        alice.c.st.sessions.clear();
        alice.c.st.identities.clear();
        bob.c.st.sessions.clear();
        bob.c.st.identities.clear();
        bob.c.st.pre_keys[1] = bob.prekey_record;
        alice.process(bob);
        benchmark::DoNotOptimize(bob.decrypt(alice.encrypt()));
    }
}

void BM_encrypt_libsignal_c(benchmark::State& st) {
    c_device alice, bob;
    start(alice, bob);
    for (auto _ : st)
        benchmark::DoNotOptimize(alice.encrypt());
}

void BM_decrypt_in_order_libsignal_c(benchmark::State& st) {
    c_device alice, bob;
    start(alice, bob);
    std::vector<std::pair<int, std::vector<std::uint8_t>>> batch;
    for (int i = 0; i < 1024; ++i)
        batch.push_back(alice.encrypt());
    const auto snapshot = bob.c.st.sessions;
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            bob.c.st.sessions = snapshot;
            i = 0;
            st.ResumeTiming();
        }
        benchmark::DoNotOptimize(bob.decrypt(batch[i++]));
    }
}

void BM_dh_round_trip_libsignal_c(benchmark::State& st) {
    c_device alice, bob;
    start(alice, bob);
    for (auto _ : st) {
        benchmark::DoNotOptimize(bob.decrypt(alice.encrypt()));
        benchmark::DoNotOptimize(alice.decrypt(bob.encrypt()));
    }
}

struct c_group {
    c_device sender, member;
    signal_protocol_sender_key_name name{"g", 1, {"s", 1, 1}};

    c_group() {
        group_session_builder* b = nullptr;
        require(group_session_builder_create(&b, sender.c.store, sender.c.ctx), "gsb");
        ref<sender_key_distribution_message> d;
        require(group_session_builder_create_session(b, d.out(), &name), "create");
        group_session_builder_free(b);
        require(group_session_builder_create(&b, member.c.store, member.c.ctx), "gsb");
        require(group_session_builder_process_session(b, &name, d.get()), "process");
        group_session_builder_free(b);
    }

    std::vector<std::uint8_t> encrypt() {
        group_cipher* g = nullptr;
        require(group_cipher_create(&g, sender.c.store, &name, sender.c.ctx), "cipher");
        ref<ciphertext_message> msg;
        const int rc = group_cipher_encrypt(g, plaintext.data(), plaintext.size(), msg.out());
        group_cipher_free(g);
        require(rc, "group encrypt");
        signal_buffer* body = ciphertext_message_get_serialized(msg.get());
        const std::uint8_t* d = signal_buffer_const_data(body);
        return std::vector<std::uint8_t>(d, d + signal_buffer_len(body));
    }

    std::size_t decrypt(const std::vector<std::uint8_t>& m) {
        ref<sender_key_message> msg;
        require(sender_key_message_deserialize(msg.out(), m.data(), m.size(), member.c.ctx),
                "deserialize");
        group_cipher* g = nullptr;
        require(group_cipher_create(&g, member.c.store, &name, member.c.ctx), "cipher");
        buffer pt;
        const int rc = group_cipher_decrypt(g, msg.get(), nullptr, pt.out());
        group_cipher_free(g);
        require(rc, "group decrypt");
        return signal_buffer_len(pt.p);
    }
};

void BM_group_encrypt_libsignal_c(benchmark::State& st) {
    c_group g;
    for (auto _ : st)
        benchmark::DoNotOptimize(g.encrypt());
}

void BM_group_decrypt_libsignal_c(benchmark::State& st) {
    c_group g;
    std::vector<std::vector<std::uint8_t>> batch;
    for (int i = 0; i < 1024; ++i)
        batch.push_back(g.encrypt());
    const auto snapshot = g.member.c.st.sender_keys;
    std::size_t i = 0;
    for (auto _ : st) {
        if (i == batch.size()) {
            st.PauseTiming();
            g.member.c.st.sender_keys = snapshot;
            i = 0;
            st.ResumeTiming();
        }
        benchmark::DoNotOptimize(g.decrypt(batch[i++]));
    }
}

} // namespace

BENCHMARK(BM_session_setup_e2ekit)->Name("BM_session_setup/e2ekit");
BENCHMARK(BM_session_setup_libsignal_c)->Name("BM_session_setup/libsignal_c");
BENCHMARK(BM_encrypt_e2ekit)->Name("BM_encrypt/e2ekit");
BENCHMARK(BM_encrypt_libsignal_c)->Name("BM_encrypt/libsignal_c");
BENCHMARK(BM_decrypt_in_order_e2ekit)->Name("BM_decrypt_in_order/e2ekit");
BENCHMARK(BM_decrypt_in_order_libsignal_c)->Name("BM_decrypt_in_order/libsignal_c");
BENCHMARK(BM_dh_round_trip_e2ekit)->Name("BM_dh_round_trip/e2ekit");
BENCHMARK(BM_dh_round_trip_libsignal_c)->Name("BM_dh_round_trip/libsignal_c");
BENCHMARK(BM_group_encrypt_e2ekit)->Name("BM_group_encrypt/e2ekit");
BENCHMARK(BM_group_encrypt_libsignal_c)->Name("BM_group_encrypt/libsignal_c");
BENCHMARK(BM_group_decrypt_e2ekit)->Name("BM_group_decrypt/e2ekit");
BENCHMARK(BM_group_decrypt_libsignal_c)->Name("BM_group_decrypt/libsignal_c");
