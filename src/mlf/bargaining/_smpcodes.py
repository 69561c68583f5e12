"""Option codes and floors shared by the SMP model and its compiled kernels.

A leaf module (it imports nothing from :mod:`mlf`): :mod:`mlf.bargaining.smp` and
:mod:`mlf.bargaining._smpkernels` both import these names from here, so that neither has to
import the other for them (no import circle).

The integer codes number KTAB's enumerations in their C++ order; the floors are KTAB's.

References:
    KTAB, KAPSARC Toolkit for Behavioral Analysis (MIT licence), ``kmodel.h``
    (``VotingRule``, ``BigRAdjust``, ``ThirdPartyCommit``), ``kmodel.cpp``
    (``Model::coalitions``) and ``smpbcn.cpp`` (``SMPState::probEduChlg``).

>>> VR_PROP, RA_HALF, TPC_FULL
(2, 2, 2)
"""

from __future__ import annotations

VR_BINARY, VR_PROPBIN, VR_PROP, VR_PROPCBC, VR_CUBIC, VR_ASYM = 0, 1, 2, 3, 4, 5
RA_NONE, RA_ONETHIRD, RA_HALF, RA_TWOTHIRDS, RA_FULL = 0, 1, 2, 3, 4
TPC_NO, TPC_SEMI, TPC_FULL = 0, 1, 2
SMP_MIN_POWER, SMP_MAX_POWER = 1e-8, 1e8  # KTAB's range of powers; outside: rescaled
MIN_COALITION = 1e-8  # Model::coalitions
MIN_CHALLENGE_COALITION = 1e-10  # SMPState::probEduChlg
