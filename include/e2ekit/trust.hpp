// The trust layer: the policy concept, the core levels, pinned identity
// records and the shipped policies.
#ifndef E2EKIT_TRUST_HPP
#define E2EKIT_TRUST_HPP

#include <e2ekit/trust/concept.hpp>
#include <e2ekit/trust/error.hpp>
#include <e2ekit/trust/level.hpp>
#include <e2ekit/trust/record.hpp>
#include <e2ekit/trust/tofu.hpp>

#endif
