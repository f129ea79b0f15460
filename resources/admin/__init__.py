"""The caseworkers' admin.

(The site itself, which asks for a second factor, is `resources.admin_site`.)

- `accounts`: staff accounts and second factors, by who may manage whom;
- `jobs`: background jobs (imports, exports, the duplicates scan);
- `listings`: every HSDS model, with history, revert and verification;
- `editors`: organization editors' scope and held edits;
- `moderation`: the corrections queue, the verification log, editors, reports;
- `views`: the verification dashboard, duplicates and merging, reports.
"""

from . import accounts, jobs, listings, moderation  # noqa: F401  (registers the model admins)
