// Signal's safety numbers, equal to libsignal-protocol-c 2.3.3's
// fingerprint_generator (src/fingerprint.c, FingerprintProtocol.proto): a
// 60-digit displayable form and the scannable form, a CombinedFingerprints
// protobuf {version 1, localFingerprint 2, remoteFingerprint 3}, each a
// LogicalFingerprint {content 1: the first 32 bytes of that side's digest}.
// Scanning compares the other device's form with one's own, crosswise.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_FINGERPRINT_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_FINGERPRINT_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/identity/fingerprint.hpp>
#include <e2ekit/protocols/signal/error.hpp>
#include <e2ekit/protocols/signal/params.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::signal {

/// SHA-512, `Iterations` rounds (Signal's apps use 5200), version 0.
template <unsigned Iterations = 5200>
struct fingerprint_params {
    using hash = crypto::sha512;
    static constexpr unsigned iterations = Iterations;
    static constexpr std::uint16_t version = 0;
};

/// The scannable form's version (libsignal-protocol-c scannable_version 1).
inline constexpr std::uint32_t scannable_version = 1;
inline constexpr std::size_t scannable_size = 32;

namespace proto {

struct logical_fingerprint {
    std::optional<bytes> content;
    friend constexpr auto describe(codec::tag<logical_fingerprint>) {
        using namespace codec;
        return fields(field<1, kind::bytes>("content", &logical_fingerprint::content));
    }
};

struct combined_fingerprints {
    std::optional<std::uint32_t> version;
    std::optional<logical_fingerprint> local;
    std::optional<logical_fingerprint> remote;
    friend constexpr auto describe(codec::tag<combined_fingerprints>) {
        using namespace codec;
        using M = combined_fingerprints;
        return fields(field<1, kind::uint32>("version", &M::version),
                      field<2, kind::message>("localFingerprint", &M::local),
                      field<3, kind::message>("remoteFingerprint", &M::remote));
    }
};

} // namespace proto

struct fingerprint {
    std::string displayable;   ///< 60 digits, the same on both devices
    std::string local_digits;  ///< this side's 30
    std::string remote_digits; ///< the other side's 30
    bytes scannable;           ///< CombinedFingerprints, for a QR code

    /// Compares what the other device shows as its scannable form: true when
    /// both sides see the same keys, false when not;
    /// `fingerprint_version_mismatch` for another version or an incomplete
    /// form, `malformed` when it does not parse.
    result<bool> matches(bytes_view theirs) const {
        auto t = codec::protobuf::decode<proto::combined_fingerprints>(theirs);
        if (!t) return envelope::envelope_error::malformed;
        auto m = codec::protobuf::decode<proto::combined_fingerprints>(scannable);
        if (!m) return envelope::envelope_error::malformed;
        if (t->version.value_or(0) != scannable_version || !t->local || !t->remote ||
            !t->local->content || !t->remote->content)
            return signal_error::fingerprint_version_mismatch;
        const bytes& my_local = *m->local->content;
        const bytes& my_remote = *m->remote->content;
        const bytes& their_local = *t->local->content;
        const bytes& their_remote = *t->remote->content;
        // Both halves are compared, whatever the first finds (ct::equal
        // checks the lengths, which are public).
        const bool local_seen = ct::equal(my_local, their_remote);
        const bool remote_seen = ct::equal(my_remote, their_local);
        return local_seen && remote_seen;
    }
};

/// Both sides' fingerprint from this side's point of view.
template <unsigned Iterations = 5200>
fingerprint
make_fingerprint(std::string_view local_id, const crypto::x25519::public_key& local_identity,
                 std::string_view remote_id, const crypto::x25519::public_key& remote_identity) {
    using nf = identity::numeric_fingerprint<fingerprint_params<Iterations>>;
    const auto local = nf::of(key_encoding::encode(local_identity), local_id);
    const auto remote = nf::of(key_encoding::encode(remote_identity), remote_id);
    fingerprint f;
    f.local_digits = nf::display(local);
    f.remote_digits = nf::display(remote);
    f.displayable = nf::combine(f.local_digits, f.remote_digits);
    proto::combined_fingerprints c{
        scannable_version,
        proto::logical_fingerprint{bytes(local.begin(), local.begin() + scannable_size)},
        proto::logical_fingerprint{bytes(remote.begin(), remote.begin() + scannable_size)}};
    f.scannable = codec::protobuf::encode(c);
    return f;
}

} // namespace e2ekit::protocols::signal

#endif
