"""Demo data for the estate youhe (游河小区), modelled on the reference estate.

Each step is a module with ``run(session, settings) -> str``: it adds only what is missing
(so ``trustfund demo`` is safe to run twice), leaves committing to the caller and returns a
one-line summary. Steps run in the order listed; later issues append their own.
People in the demo exist only here; their names are invented.
"""

from __future__ import annotations

from types import ModuleType

from trustfund.demo import bank, disclosure, estate, fees, grants, ledger, settlements

STEPS: tuple[ModuleType, ...] = (estate, ledger, fees, settlements, grants, bank, disclosure)
