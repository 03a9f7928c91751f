// Choropleth of the chosen layer with self-hosted GeoJSON only: no tiles, fonts or scripts from elsewhere.
// Colours come from the GeoJSON: every area carries its colour class ("kleurklasse", darker = more need,
// computed by the server in the indicator's own direction) and the legend maps class to colour.
// The coloured areas come first; gemeente borders and names, the provincie outline and the programme
// areas follow from a second address (data-context). Names are HTML labels (MapLibre's own text needs
// glyph fonts from elsewhere), hidden where they would overlap a larger gemeente's name.
(function () {
  const element = document.getElementById("kaart");
  if (!element) return;
  const laden = document.getElementById("kaart-laden");
  const info = document.getElementById("info");
  function meld(tekst) {
    laden.textContent = tekst;
    laden.classList.add("fout");
    laden.hidden = false;
    element.setAttribute("aria-busy", "false");
  }
  if (typeof maplibregl === "undefined") {
    meld("De kaart kan niet worden getoond. De tabel onder de kaart toont dezelfde gegevens.");
    return;
  }
  const NL = {
    "NavigationControl.ZoomIn": "Inzoomen", "NavigationControl.ZoomOut": "Uitzoomen",
    "NavigationControl.ResetBearing": "Noorden boven", "Popup.Close": "Sluiten", "Map.Title": "Kaart",
    "Marker.Title": "Naam op de kaart",
  };
  const kaart = new maplibregl.Map({
    container: element,
    style: { version: 8, sources: {}, layers: [{ id: "achtergrond", type: "background", paint: { "background-color": "#ffffff" } }] },
    center: [5.9, 51.2], zoom: 7, attributionControl: false, locale: NL, dragRotate: false, pitchWithRotate: false,
  });
  kaart.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  element.kaart = kaart; // for the browser tests and the console
  const binnen = element.dataset.binnen;
  const niveau = element.dataset.niveau;
  const deelniveau = { GM: "wijken", WK: "buurten" };

  function kleur(legenda, geen) {
    if (!legenda.length) return geen;
    const paren = legenda.flatMap((k) => [k.kleurklasse, k.kleur]);
    return ["match", ["to-number", ["coalesce", ["get", "kleurklasse"], 0]], ...paren, geen];
  }
  function getal(x, d) { return x === null || x === undefined ? "–" : Number(x).toLocaleString("nl-NL", { maximumFractionDigits: d }); }
  function haal(adres) {
    return fetch(adres, { credentials: "same-origin" }).then((r) => {
      if (!r.ok) throw new Error(`status ${r.status}`);
      return r.json();
    });
  }
  function ringen(g) { return g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : []; }

  let klassen = 0;
  let geo = null;
  const kaartKlaar = new Promise((klaar) => kaart.on("load", klaar));
  const gegevens = haal(element.dataset.geo);
  const context = haal(element.dataset.context);

  // --- name labels: HTML markers, the largest areas first; a label is hidden when it does not fit in
  // its area's box on screen, would overlap one already placed, or lies outside the view.
  const labels = [];
  function label(naam, punt, kader, soort, minZoom) {
    const el = document.createElement("div");
    el.className = `kaartlabel ${soort}`;
    el.textContent = naam;
    el.setAttribute("aria-hidden", "true");
    el.setAttribute("role", "presentation");
    el.setAttribute("aria-label", naam);
    const marker = new maplibregl.Marker({ element: el }).setLngLat(punt).addTo(kaart);
    labels.push({ el, marker, minZoom, kader });
  }
  function schikLabels() {
    const zoom = kaart.getZoom();
    const doek = element.getBoundingClientRect();
    const bezet = [];
    labels.forEach(({ el, minZoom, kader }) => {
      el.classList.remove("verborgen");
      const r = el.getBoundingClientRect();
      const [linksonder, rechtsboven] = [kaart.project([kader[0], kader[1]]), kaart.project([kader[2], kader[3]])];
      const past = r.width <= rechtsboven.x - linksonder.x && 2 * r.height <= linksonder.y - rechtsboven.y;
      const binnenbeeld = r.left >= doek.left && r.right <= doek.right && r.top >= doek.top && r.bottom <= doek.bottom;
      const botst = bezet.some((b) => r.left < b.right + 4 && r.right + 4 > b.left && r.top < b.bottom + 2 && r.bottom + 2 > b.top);
      if (zoom < minZoom || !past || !binnenbeeld || botst) el.classList.add("verborgen");
      else bezet.push(r);
    });
  }
  kaart.on("moveend", schikLabels);

  // --- the coloured areas ---------------------------------------------------------------------
  Promise.all([gegevens, kaartKlaar]).then(([g]) => {
    geo = g;
    const legenda = geo.legenda || [];
    klassen = legenda.length;
    kaart.addSource("gebieden", { type: "geojson", data: { type: "FeatureCollection", features: geo.features } });
    kaart.addLayer({ id: "vlakken", type: "fill", source: "gebieden", paint: { "fill-color": kleur(legenda, geo.geen_waarde || "#e0e0e0"), "fill-opacity": 0.85 } });
    // Areas without a value (context within the provincie) get a lighter border, so the analysed areas stand out.
    kaart.addLayer({ id: "randen", type: "line", source: "gebieden",
      paint: { "line-color": ["case", ["has", "waarde"], "#555555", "#9a9a9a"], "line-width": 0.4 } });
    kaart.addLayer({ id: "markering", type: "line", source: "gebieden", filter: ["==", ["get", "code"], ""],
      paint: { "line-color": "#004f9f", "line-width": 3.5 } });
    const grenzen = new maplibregl.LngLatBounds();
    geo.features.forEach((f) => ringen(f.geometry).forEach((p) => p[0].forEach((c) => grenzen.extend(c))));
    if (!grenzen.isEmpty()) kaart.fitBounds(grenzen, { padding: 10, animate: false });
    if (binnen) geo.features.forEach((f) => f.properties.punt && label(f.properties.naam, f.properties.punt, f.properties.kader, "deelgebied", 0));
    element.dataset.geladen = String(geo.features.length);
    kaart.once("idle", () => {
      element.dataset.eersteVlak = String(Math.round(performance.now()));
      element.dataset.klaar = "ja";
      element.setAttribute("aria-busy", "false");
      if (geo.features.length) laden.hidden = true;
      else meld("Geen grenzen om te tekenen; de tabel onder de kaart toont alle gebieden.");
      schikLabels();
    });
  }).catch(() => meld("De kaart kon niet worden geladen. De tabel onder de kaart toont dezelfde gegevens."));

  // --- context: after the areas, so they are drawn first --------------------------------------
  Promise.all([context, gegevens, kaartKlaar]).then(([ctx]) => {
    kaart.addSource("context", { type: "geojson", data: ctx });
    kaart.addLayer({ id: "gemeentegrenzen", type: "line", source: "context", filter: ["==", ["get", "soort"], "gemeente"],
      paint: { "line-color": "#4a4a4a", "line-width": niveau === "gemeente" && !binnen ? 0.8 : 1.2, "line-opacity": binnen ? 0.6 : 1 } });
    // The generalised outlines would stray from the areas' own borders close up: provincie only when zoomed out.
    kaart.addLayer({ id: "provinciegrens", type: "line", source: "context", maxzoom: 10, filter: ["==", ["get", "soort"], "provincie"],
      paint: { "line-color": "#1a1a1a", "line-width": 2.5 } });
    kaart.addLayer({ id: "programma", type: "line", source: "context", filter: ["==", ["get", "soort"], "programma"],
      paint: { "line-color": "#000000", "line-width": 3, "line-dasharray": [2, 1] } });
    kaart.moveLayer("markering");
    // On a gemeente map every name is an area of the map; on wijk and buurt maps they are for orientation.
    const minZoom = niveau === "gemeente" || binnen ? 6 : 8.5;
    const eigen = binnen ? `GM${binnen.slice(2, 6)}` : ""; // named in the breadcrumb already
    (ctx.labels || []).filter((l) => l.code !== eigen).forEach((l) => label(l.naam, l.punt, l.kader, "gemeentenaam", minZoom));
    schikLabels();
  }).catch(() => {
    const regel = document.getElementById("legenda-programma");
    if (regel) regel.insertAdjacentHTML("afterend", "<li>Gemeentegrenzen en -namen konden niet worden geladen.</li>");
  });

  // --- hover and click -------------------------------------------------------------------------
  function beschrijf(p) {
    if (p.waarde === undefined) return `${p.naam} (${p.code}): geen waarde in een analyse${p.delen ? `; ${p.delen}` : ""}.`;
    const marge = p.onder !== undefined && p.onder !== null ? ` (95%-interval ${getal(p.onder, 1)}–${getal(p.boven, 1)})` : "";
    const klasse = p.kleurklasse ? `, kleurklasse ${p.kleurklasse} van ${klassen}` : "";
    return `${p.naam} (${p.code}): waarde ${getal(p.waarde, 2)}${marge}, benchmark ${getal(p.benchmark, 2)}${klasse}, groep ${p.groep || "–"}.`;
  }
  function toon(e) {
    const f = e.features && e.features[0];
    if (!f) return;
    info.textContent = beschrijf(f.properties);
    kaart.setFilter("markering", ["==", ["get", "code"], f.properties.code]);
    kaart.getCanvas().style.cursor = "pointer";
  }
  kaart.on("mousemove", "vlakken", toon);
  kaart.on("mouseleave", "vlakken", () => {
    kaart.setFilter("markering", ["==", ["get", "code"], ""]);
    kaart.getCanvas().style.cursor = "";
  });
  function koppeling(tekst, href) {
    const p = document.createElement("p");
    const a = document.createElement("a");
    a.className = "utrecht-link";
    a.href = href;
    a.textContent = tekst;
    p.append(a);
    return p;
  }
  kaart.on("click", "vlakken", (e) => {
    toon(e);
    const f = e.features[0];
    const p = f.properties;
    const inhoud = document.createElement("div");
    const kop = document.createElement("p");
    kop.innerHTML = "<strong></strong>";
    kop.firstChild.textContent = p.naam;
    const waarde = document.createElement("p");
    waarde.textContent = p.waarde === undefined ? `Geen waarde in een analyse${p.delen ? `; ${p.delen}` : ""}.` : `Waarde ${getal(p.waarde, 2)}, benchmark ${getal(p.benchmark, 2)}`;
    inhoud.append(kop, waarde);
    const run = p.waarde !== undefined && geo && geo.run !== undefined ? geo.run : (p.waarde !== undefined ? element.dataset.run : "");
    inhoud.append(koppeling("Naar het profiel", `/gebied/${encodeURIComponent(p.code)}/${run ? `?run=${encodeURIComponent(run)}` : ""}`));
    const deel = deelniveau[String(p.code).slice(0, 2)];
    if (deel) {
      const adres = new URL(window.location.href);
      adres.searchParams.set("binnen", p.code);
      inhoud.append(koppeling(`${deel[0].toUpperCase()}${deel.slice(1)} van ${p.naam}`, adres.pathname + adres.search));
    }
    new maplibregl.Popup({ maxWidth: "16rem", focusAfterOpen: true }).setLngLat(e.lngLat).setDOMContent(inhoud).addTo(kaart);
  });
})();
