// DIMP (dimchat's Decentralized Instant Messaging Protocol) as one include.
// `e2ekit::protocols::dimp` is a namespace, not a protocol<Agreement,
// Ratchet, Envelope> alias: DIMP has no key agreement and no ratchet (each
// message key travels RSA-encrypted, or is reused from a cache), so what a
// user recomposes are its storage-backed policies:
//
// | part            | header            | what it is                                    |
// |-----------------|-------------------|-----------------------------------------------|
// | MKM identities  | `id`, `address`,  | IDs, BTC / ETH / broadcast addresses, metas   |
// |                 | `meta`, `document`| (types 1, 2, 4), visas and bulletins, keys    |
// |                 | `keys`            | in DIMP's JSON forms                          |
// | DKD layers      | `message`,        | instant -> secure -> reliable and back, group |
// |                 | `packer`, `file`, | splits, broadcast, file content through a     |
// |                 | `cdn`             | CDN policy                                    |
// | policies        | `concept`         | entity database and key cache (the seams)     |
// | shipped         | `barrack`,        | both policies over any e2ekit store           |
// |                 | `key_store`       |                                               |
// | endpoint        | `messenger`       | `messenger<Store>` packs and unpacks for one  |
// |                 |                   | local user, committing before it releases     |
//
// The vectors of ../shared/vectors/dimp/ (the reference Python
// implementation's output) are the judge of every byte: see the tests.
#ifndef E2EKIT_PROTOCOLS_DIMP_HPP
#define E2EKIT_PROTOCOLS_DIMP_HPP

#include <e2ekit/protocols/dimp/address.hpp>
#include <e2ekit/protocols/dimp/barrack.hpp>
#include <e2ekit/protocols/dimp/cdn.hpp>
#include <e2ekit/protocols/dimp/concept.hpp>
#include <e2ekit/protocols/dimp/document.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/file.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/key_store.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/protocols/dimp/message.hpp>
#include <e2ekit/protocols/dimp/messenger.hpp>
#include <e2ekit/protocols/dimp/meta.hpp>
#include <e2ekit/protocols/dimp/packer.hpp>

#endif
