// Choropleth of the chosen layer with self-hosted GeoJSON only: no tiles, fonts or scripts from elsewhere.
// Colours come from the GeoJSON: every area carries its colour class ("kleurklasse", darker = more need,
// computed by the server in the indicator's own direction) and the legend maps class to colour.
(function () {
  const element = document.getElementById("kaart");
  if (!element || typeof maplibregl === "undefined") return;
  const info = document.getElementById("info");
  const kaart = new maplibregl.Map({
    container: element,
    style: { version: 8, sources: {}, layers: [{ id: "achtergrond", type: "background", paint: { "background-color": "#ffffff" } }] },
    center: [5.9, 51.2], zoom: 7, attributionControl: false,
  });
  kaart.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  element.kaart = kaart; // for the browser tests and the console
  function kleur(legenda, geen) {
    if (!legenda.length) return geen;
    const paren = legenda.flatMap((k) => [k.kleurklasse, k.kleur]);
    return ["match", ["to-number", ["coalesce", ["get", "kleurklasse"], 0]], ...paren, geen];
  }
  function getal(x, d) { return x === null || x === undefined ? "–" : Number(x).toLocaleString("nl-NL", { maximumFractionDigits: d }); }
  let klassen = 0;
  const kaartKlaar = new Promise((klaar) => kaart.on("load", klaar));
  const gegevens = fetch(element.dataset.geo, { credentials: "same-origin" }).then((r) => r.json());
  Promise.all([gegevens, kaartKlaar]).then(([geo]) => {
    const programma = geo.programma || [];
    const codes = new Set(programma.flatMap((p) => p.codes));
    const legenda = geo.legenda || [];
    klassen = legenda.length;
    kaart.addSource("gebieden", { type: "geojson", data: { type: "FeatureCollection", features: geo.features } });
    kaart.addLayer({ id: "vlakken", type: "fill", source: "gebieden", paint: { "fill-color": kleur(legenda, geo.geen_waarde || "#e0e0e0"), "fill-opacity": 0.85 } });
    kaart.addLayer({ id: "randen", type: "line", source: "gebieden", paint: { "line-color": "#555555", "line-width": 0.4 } });
    kaart.addLayer({ id: "programma", type: "line", source: "gebieden", filter: ["in", ["get", "code"], ["literal", Array.from(codes)]],
      paint: { "line-color": "#000000", "line-width": 3 } });
    const grenzen = new maplibregl.LngLatBounds();
    geo.features.forEach((f) => (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates)
      .forEach((p) => p[0].forEach((c) => grenzen.extend(c))));
    if (!grenzen.isEmpty()) kaart.fitBounds(grenzen, { padding: 10, animate: false });
    element.dataset.geladen = String(geo.features.length);
    kaart.once("idle", () => { element.dataset.klaar = "ja"; });
  });
  function toon(e) {
    const f = e.features && e.features[0];
    if (!f) return;
    const p = f.properties;
    const marge = p.onder !== undefined && p.onder !== null ? ` (95%-interval ${getal(p.onder, 1)}–${getal(p.boven, 1)})` : "";
    const klasse = p.kleurklasse ? `, kleurklasse ${p.kleurklasse} van ${klassen}` : "";
    info.textContent = `${p.naam} (${p.code}): waarde ${getal(p.waarde, 2)}${marge}, benchmark ${getal(p.benchmark, 2)}${klasse}, groep ${p.groep || "–"}.`;
  }
  kaart.on("mousemove", "vlakken", toon);
  kaart.on("click", "vlakken", (e) => { toon(e); const f = e.features[0]; if (f && f.properties.waarde !== undefined) window.location.href = `/gebied/${f.properties.code}/`; });
})();
