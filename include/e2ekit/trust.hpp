// The trust layer: the core levels, custom level schemes, the policy
// concepts (one pinned key per peer: concept.hpp; several keys per owner:
// key_policy.hpp), pinned identity records, the stored key levels and the
// shipped policies (TOFU, BTBV, manual).
#ifndef E2EKIT_TRUST_HPP
#define E2EKIT_TRUST_HPP

#include <e2ekit/trust/btbv.hpp>
#include <e2ekit/trust/concept.hpp>
#include <e2ekit/trust/error.hpp>
#include <e2ekit/trust/key_policy.hpp>
#include <e2ekit/trust/key_trust.hpp>
#include <e2ekit/trust/level.hpp>
#include <e2ekit/trust/manual.hpp>
#include <e2ekit/trust/record.hpp>
#include <e2ekit/trust/scheme.hpp>
#include <e2ekit/trust/tofu.hpp>

#endif
