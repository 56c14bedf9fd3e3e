"""Seeds: add one, keep it, and each seed's page. One module per task, each importing only those
below it:

- ``label``: the label keyboard, saving a new seed in the vault, a vault change behind a wait;
- ``passphrase``, ``accounts``, ``reveal`` (words and SeedQR shown behind the vault password);
- ``detail``: a seed's page (its accounts, passphrase, secrets, backups; rename, delete; save or
  forget the temporary seed);
- ``keep``: new material's fingerprint, then saved in the vault under a label or held as the
  temporary seed (never written anywhere);
- ``create``, ``words``, ``seedqr``, ``shares``: the ways to bring a seed in; ``add``: their menu;
- ``listing``: the seed list.
"""

from signer.keys.seed import bip39_from_payload as material_from_seed_payload
from ui.flows.seeds.add import add_seed_menu
from ui.flows.seeds.detail import seed_detail
from ui.flows.seeds.keep import finish_seed
from ui.flows.seeds.listing import seed_list

__all__ = ["add_seed_menu", "finish_seed", "material_from_seed_payload", "seed_detail", "seed_list"]
