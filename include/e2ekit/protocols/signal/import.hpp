// Import of libsignal-protocol-c 2.3.3's stored records, so that a program
// migrating from it keeps its sessions, pre-keys and identity. The input is
// what its `*_serialize` functions write, the messages of
// protobuf/LocalStorageProtocol.proto:
//
// | function                   | libsignal-protocol-c writer           | message                     |
// |----------------------------|---------------------------------------|-----------------------------|
// | `import_session_record`    | session_record_serialize              | RecordStructure             |
// | `import_session_state`     | session_state_serialize               | SessionStructure            |
// | `import_prekey`            | session_pre_key_serialize             | PreKeyRecordStructure       |
// | `import_signed_prekey`     | session_signed_pre_key_serialize      | SignedPreKeyRecordStructure |
// | `import_identity_key_pair` | ratchet_identity_key_pair_serialize   | IdentityKeyPairStructure    |
//
// A session state maps onto session_state and double_ratchet's state
// field for field (src/session_state.c): the root key, the sender chain
// (its ratchet key pair, chain key and index: libsignal-protocol-c turns
// the DH ratchet eagerly, so the chain it drew on receipt is simply a
// present sending chain here), the previous counter, the receiver chains
// oldest first with their stored message keys (kept expanded, as
// libsignal-protocol-c keeps them: cipher key 32 ‖ MAC key 32 ‖ IV 16), the
// unacknowledged pre-key message, the registration ids and the base key
// that names the session ("alice base key"). Archived states stay newest
// first. `needsRefresh` is an application flag the library never reads; it
// is dropped. A state with none of a session's parts is the blank state
// session_record_archive_current_state leaves behind: as current it means
// "no current session", as an archived one it is skipped.
//
// Strict: whatever libsignal-protocol-c itself never writes is refused
// with an `import_error` (table below), never a crash; bounds are those
// libsignal-protocol-c keeps (5 receiver chains, 2000 message keys per
// chain, 40 archived states), and every private key must belong to the
// public key stored beside it. Private keys are clamped as X25519 reads
// them (RFC 7748 §5), which changes no key and is how libsignal-protocol-c
// generates them. Secrets go from the input straight into secret types;
// the reader holds only views of the caller's bytes, which the caller
// wipes.
//
// | error                 | when                                                            |
// |-----------------------|-----------------------------------------------------------------|
// | `malformed`           | not protobuf, a field of another wire type, a singular field    |
// |                       | twice, a number out of range                                    |
// | `missing_field`       | a part the import needs is absent (root key, a chain key...)    |
// | `bad_size`            | a key, chain key, message key, IV or signature of another size  |
// | `invalid_key`         | a public key whose type byte is not 0x05                        |
// | `key_mismatch`        | a private key whose public key is not the one stored with it    |
// | `unsupported_version` | a session state of another version than 3                       |
// | `unsupported_state`   | a pending key exchange (the pre-v3 KeyExchangeMessage)          |
// | `limit_exceeded`      | more receiver chains, message keys or archived states than      |
// |                       | libsignal-protocol-c keeps                                      |
// | `inconsistent`        | message-key indices not ascending below their chain's index,    |
// |                       | a receiver chain twice, a pending pre-key of another base key   |
#ifndef E2EKIT_PROTOCOLS_SIGNAL_IMPORT_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_IMPORT_HPP

#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/error.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/identity/prekeys.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/protocols/signal/record.hpp>
#include <e2ekit/protocols/signal/session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace e2ekit::protocols::signal {

enum class import_error {
    malformed = 1,       ///< not the protobuf message expected
    missing_field,       ///< a required part is absent
    bad_size,            ///< a key, chain key, message key, IV or signature of the wrong size
    invalid_key,         ///< a public key not of type 0x05
    key_mismatch,        ///< a private key that does not belong to its public key
    unsupported_version, ///< a session state of a version other than 3
    unsupported_state,   ///< a pending key exchange
    limit_exceeded,      ///< more chains, message keys or states than libsignal-protocol-c keeps
    inconsistent,        ///< parts that contradict each other
};
E2EKIT_ERROR_ENUM(import_error)

/// libsignal-protocol-c's session_record_serialize form: the current state
/// and up to 40 archived ones, newest first.
inline result<session_record> import_session_record(bytes_view serialized);

/// libsignal-protocol-c's session_state_serialize form: one state (a blank
/// one is `missing_field`).
inline result<session_state> import_session_state(bytes_view serialized);

/// libsignal-protocol-c's session_pre_key_serialize form.
inline result<identity::one_time_prekey<x3dh_params>> import_prekey(bytes_view serialized);

/// libsignal-protocol-c's session_signed_pre_key_serialize form. The
/// signature is not checked here (the identity key is not in the record):
/// call `verify(identity_key)` on the result.
inline result<identity::signed_prekey<x3dh_params>> import_signed_prekey(bytes_view serialized);

/// libsignal-protocol-c's ratchet_identity_key_pair_serialize form.
inline result<key_pair> import_identity_key_pair(bytes_view serialized);

} // namespace e2ekit::protocols::signal

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::signal::import_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::signal::import_error> {
    using E = e2ekit::protocols::signal::import_error;
    static constexpr const char* name = "e2ekit.signal.import";
    static std::string message(E e) {
        switch (e) {
        case E::malformed: return "malformed libsignal-protocol-c record";
        case E::missing_field: return "libsignal-protocol-c record lacks a required part";
        case E::bad_size: return "key or value of the wrong size in a libsignal-protocol-c record";
        case E::invalid_key:
            return "public key of an unknown type in a libsignal-protocol-c record";
        case E::key_mismatch: return "private key does not match its public key";
        case E::unsupported_version: return "session version other than 3";
        case E::unsupported_state: return "pending key exchange (not supported)";
        case E::limit_exceeded:
            return "more chains, keys or states than libsignal-protocol-c keeps";
        case E::inconsistent: return "inconsistent libsignal-protocol-c record";
        }
        return "unknown import error";
    }
    static e2ekit::condition condition_of(E e) {
        switch (e) {
        case E::malformed:
        case E::missing_field:
        case E::bad_size:
        case E::inconsistent: return e2ekit::condition::malformed_input;
        case E::invalid_key:
        case E::key_mismatch: return e2ekit::condition::invalid_key;
        case E::unsupported_version:
        case E::unsupported_state: return e2ekit::condition::unsupported;
        case E::limit_exceeded: return e2ekit::condition::limit_exceeded;
        }
        return e2ekit::condition::malformed_input;
    }
};

#include <e2ekit/protocols/signal/impl/import.hpp>

#endif
