#!/usr/bin/env bash
# Re-fetch the ipywidgets widget manager the website serves from docs/_static/ipywidgets/.
#
# The site's pages load no script from another host, so the manager that renders the
# stored widget state (the explorers' frames and sliders) is committed here, fetched once
# from the npm registry with its ordinary client. Nothing downloads during the build or
# the tests; run this only to change the pinned version (then update HTML_MANAGER and
# TARBALL_SHA256 below, rebuild the site and run tests/test_site.py).
#
# What is vendored, and why only that: dist/embed.js of @jupyter-widgets/html-manager,
# the self-contained manager for ipywidgets' core widgets (ipywidgets 8 models:
# @jupyter-widgets/base and controls 2.0.0, output 1.0.0), plus the three Font Awesome
# woff2 fonts its CSS names (requested only if a widget shows an icon). embed-amd.js and
# require.js are not needed: they exist to load third-party widget modules (from a CDN),
# which the course does not use.
#
#     bash docs/vendor_widgets.sh          # fetch, check the sha256, copy, check the copies
set -euo pipefail
cd "$(dirname "$0")"

HTML_MANAGER="@jupyter-widgets/html-manager@1.0.15"
TARBALL="jupyter-widgets-html-manager-1.0.15.tgz"
TARBALL_SHA256="2b9d65cb7913e1c7d671757a10008b32c9c2448d4429513371e55c07d6107638"
FONTS="1551f4f60c37af51121f.woff2 7a3337626410ca2f4071.woff2 d878b0a6a1144760244f.woff2"
DEST="_static/ipywidgets"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$HTML_MANAGER" >/dev/null)
echo "$TARBALL_SHA256  $work/$TARBALL" | sha256sum --check --quiet
tar -xzf "$work/$TARBALL" -C "$work"

mkdir -p "$DEST"
cp "$work/package/dist/embed.js" "$work/package/dist/embed.js.LICENSE.txt" "$DEST/"
for font in $FONTS; do cp "$work/package/dist/$font" "$DEST/"; done
# The copies must be exactly what SHA256SUMS records (tests/test_site.py checks it too).
(cd "$DEST" && sha256sum --check --quiet SHA256SUMS)
echo "vendored $HTML_MANAGER into docs/$DEST"
