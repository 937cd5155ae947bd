"""The demo catalog: products, their texts per language, tax classes and per-market prices.

US prices are net of sales tax; GB, DE and SE prices include VAT, as shoppers there expect.
Tax classes are storefront.markets.TaxClass values; each market maps them to its own rates.
Subscription products list their plans (storefront.plans codes, e.g. "WEEK:2"); `one_time`
says whether they are also sold once, `free_trial` that the first delivery costs nothing.
"""

from __future__ import annotations

from datetime import date
from typing import NotRequired, TypedDict

from storefront.i18n import N_


class ProductSeed(TypedDict):
    """One product of the demo catalog, with its unit price per market code."""

    sku: str
    slug: str
    name: str
    description: str
    category: str  # English; pages show it translated
    tax_class: str
    image: str
    prices: dict[str, int]
    plans: NotRequired[str]  # space-separated plan codes; absent: not sold by subscription
    one_time: NotRequired[bool]  # also sold once (default True)
    free_trial: NotRequired[bool]  # the first delivery of a subscription is free


DEMO_PRODUCTS: tuple[ProductSeed, ...] = (
    ProductSeed(
        sku="TEE-ORG",
        slug="organic-cotton-tee",
        name="Organic Cotton Tee",
        description="A heavyweight tee in undyed organic cotton.",
        category=N_("Apparel"),
        tax_class="standard",
        image="img/products/tee.svg",
        prices={"US": 2500, "GB": 2000, "DE": 2499, "SE": 24900},
    ),
    ProductSeed(
        sku="HOOD-MER",
        slug="merino-hoodie",
        name="Merino Hoodie",
        description="Warm, breathable, and it does not itch.",
        category=N_("Apparel"),
        tax_class="standard",
        image="img/products/hoodie.svg",
        prices={"US": 8900, "GB": 7500, "DE": 8995, "SE": 89900},
    ),
    ProductSeed(
        sku="SOCK-3PK",
        slug="wool-socks-3-pack",
        name="Wool Socks (3 pack)",
        description="Three pairs of ribbed wool socks.",
        category=N_("Apparel"),
        tax_class="standard",
        image="img/products/socks.svg",
        prices={"US": 1800, "GB": 1500, "DE": 1799, "SE": 17900},
    ),
    ProductSeed(
        sku="CAP-CANV",
        slug="canvas-cap",
        name="Canvas Cap",
        description="Six-panel cap with an adjustable strap.",
        category=N_("Apparel"),
        tax_class="standard",
        image="img/products/cap.svg",
        prices={"US": 2200, "GB": 1800, "DE": 2199, "SE": 21900},
    ),
    ProductSeed(
        sku="MUG-STN",
        slug="stoneware-mug",
        name="Stoneware Mug",
        description="Hand-glazed, 350 ml, dishwasher safe.",
        category=N_("Home"),
        tax_class="standard",
        image="img/products/mug.svg",
        prices={"US": 1600, "GB": 1200, "DE": 1495, "SE": 14900},
    ),
    ProductSeed(
        sku="LAMP-DSK",
        slug="desk-lamp",
        name="Desk Lamp",
        description="A warm LED lamp with a weighted brass base.",
        category=N_("Home"),
        tax_class="standard",
        image="img/products/lamp.svg",
        prices={"US": 12900, "GB": 9900, "DE": 11900, "SE": 119900},
    ),
    ProductSeed(
        sku="THRW-LIN",
        slug="linen-throw",
        name="Linen Throw",
        description="Stonewashed linen, 130 x 170 cm.",
        category=N_("Home"),
        tax_class="standard",
        image="img/products/throw.svg",
        prices={"US": 7400, "GB": 5900, "DE": 6990, "SE": 69900},
    ),
    ProductSeed(
        sku="BOOK-BRD",
        slug="the-bread-book",
        name="The Bread Book",
        description="Sourdough from first starter to Sunday loaf.",
        category=N_("Books"),
        tax_class="books",
        image="img/products/book-bread.svg",
        prices={"US": 2999, "GB": 2250, "DE": 2800, "SE": 29900},
    ),
    ProductSeed(
        sku="BOOK-NRD",
        slug="nordic-walks",
        name="Nordic Walks",
        description="Forty day walks from Skåne to Lapland.",
        category=N_("Books"),
        tax_class="books",
        image="img/products/book-walks.svg",
        prices={"US": 1999, "GB": 1599, "DE": 1900, "SE": 19900},
    ),
    ProductSeed(
        sku="COF-BEAN",
        slug="coffee-beans",
        name="Coffee Beans 500 g",
        description="A washed Ethiopian roast, light and bright.",
        category=N_("Pantry"),
        tax_class="food",
        image="img/products/coffee.svg",
        prices={"US": 1650, "GB": 1350, "DE": 1590, "SE": 16900},
        plans="WEEK:2 WEEK:4",
    ),
    ProductSeed(
        sku="HNY-WLD",
        slug="wildflower-honey",
        name="Wildflower Honey",
        description="Raw honey from a single apiary, 350 g.",
        category=N_("Pantry"),
        tax_class="food",
        image="img/products/honey.svg",
        prices={"US": 1200, "GB": 950, "DE": 1149, "SE": 11900},
    ),
    ProductSeed(
        sku="CHOC-DRK",
        slug="dark-chocolate",
        name="Dark Chocolate 72 %",
        description="Bean-to-bar, 100 g.",
        category=N_("Pantry"),
        tax_class="confectionery",
        image="img/products/chocolate.svg",
        prices={"US": 550, "GB": 450, "DE": 499, "SE": 4900},
    ),
    ProductSeed(
        sku="MAG-FLD",
        slug="field-journal-magazine",
        name="Field Journal (monthly magazine)",
        description="Walks, recipes and makers from the north, in print every month.",
        category="Books",
        tax_class="books",
        image="img/products/magazine.svg",
        prices={"US": 900, "GB": 700, "DE": 850, "SE": 8900},
        plans="MONTH:1",
        one_time=False,
    ),
    ProductSeed(
        sku="TEA-CLUB",
        slug="tea-club-box",
        name="Tea Club Box",
        description="Three loose-leaf teas a month. Your first box is free.",
        category="Pantry",
        tax_class="food",
        image="img/products/tea.svg",
        prices={"US": 2400, "GB": 1900, "DE": 2200, "SE": 22900},
        plans="MONTH:1",
        one_time=False,
        free_trial=True,
    ),
)


class ProductText(TypedDict):
    """A product's shop texts in one language: card line, page text, facts and image alt text."""

    summary: str
    description: str
    details: tuple[tuple[str, str], ...]
    alt: str


def text(summary: str, description: str, alt: str, *details: tuple[str, str]) -> ProductText:
    """One product's texts in one language (details as (label, value) pairs)."""
    return ProductText(summary=summary, description=description, details=details, alt=alt)


# The product pages' texts per language (storefront.i18n.LANGUAGES), then per SKU. A language
# or SKU missing here falls back to English, then to the product's own description.
PRODUCT_TEXTS: dict[str, dict[str, ProductText]] = {
    "en": {
        "TEE-ORG": text(
            "A heavyweight tee in undyed organic cotton.",
            "Knitted from long-staple organic cotton and left undyed, so it keeps the warm "
            "colour of the fibre. The 220 g/m² jersey holds its shape wash after wash, and the "
            "taped neckline will not stretch out.",
            "An undyed cotton T-shirt, front view",
            ("Material", "100 % organic cotton, 220 g/m²"),
            ("Origin", "Knitted and sewn in Portugal"),
            ("Fit", "Regular, true to size"),
            ("Care", "Machine wash at 40 °C"),
        ),
        "HOOD-MER": text(
            "Warm, breathable, and it does not itch.",
            "Fine 18.5 micron merino, brushed on the inside, warm on a cold morning and cool "
            "enough for a long walk. Merino does not hold odours, so it needs washing far less "
            "often than cotton.",
            "A slate-blue merino hoodie with a kangaroo pocket",
            ("Material", "100 % merino wool, 18.5 micron"),
            ("Origin", "Wool from New Zealand, knitted in Italy"),
            ("Weight", "480 g"),
            ("Care", "Wool cycle at 30 °C, dry flat"),
        ),
        "SOCK-3PK": text(
            "Three pairs of ribbed wool socks.",
            "Ribbed socks with a cushioned sole and a reinforced heel and toe, in three "
            "heathered colours. A little nylon keeps them in shape; the rest is soft "
            "lambswool.",
            "Three pairs of ribbed wool socks in oatmeal, rust and grey",
            ("Material", "80 % lambswool, 20 % recycled nylon"),
            ("Origin", "Knitted in Sweden"),
            ("Sizes", "EU 36\u201340 and 41\u201346"),
            ("Care", "Wool cycle at 30 °C"),
        ),
        "CAP-CANV": text(
            "Six-panel cap with an adjustable strap.",
            "A waxed cotton canvas cap that sheds a shower and softens with every wear. The "
            "brass buckle at the back fits most heads; the brim is stiff enough to keep the "
            "sun out of your eyes.",
            "An olive canvas cap with a curved brim",
            ("Material", "Waxed cotton canvas, brass buckle"),
            ("Origin", "Made in England"),
            ("Size", "One size, 54\u201360 cm"),
            ("Care", "Wipe clean; re-wax once a year"),
        ),
        "MUG-STN": text(
            "Hand-glazed, 350 ml, dishwasher safe.",
            "Thrown on the wheel and dipped by hand in a speckled oat glaze, so no two are "
            "quite alike. A generous handle, a heavy base that keeps it steady, and a size "
            "made for a proper cup of coffee.",
            "A speckled cream stoneware mug with a round handle",
            ("Material", "Stoneware, food-safe glaze"),
            ("Origin", "Made in a studio in Jutland, Denmark"),
            ("Capacity", "350 ml"),
            ("Care", "Dishwasher and microwave safe"),
        ),
        "LAMP-DSK": text(
            "A warm LED lamp with a weighted brass base.",
            "A small lamp with a big light: the hinged arm turns the warm, dimmable LED where "
            "you need it, and the solid brass base keeps it standing. The cloth cable is 2 m "
            "long, with a touch dimmer on the base.",
            "A brass desk lamp with a dark green shade",
            ("Material", "Brass base, powder-coated steel shade"),
            ("Origin", "Designed in Stockholm, made in Poland"),
            ("Light", "6 W LED, 2,700 K, dimmable"),
            ("Height", "42 cm"),
        ),
        "THRW-LIN": text(
            "Stonewashed linen, 130 x 170 cm.",
            "European flax, woven in Lithuania and stonewashed until it drapes like an old "
            "favourite. Light enough for summer evenings, warm enough to layer in winter, with "
            "fringed ends.",
            "A folded terracotta linen throw with fringed ends",
            ("Material", "100 % European linen"),
            ("Origin", "Woven in Lithuania"),
            ("Size", "130 \u00d7 170 cm"),
            ("Care", "Machine wash at 40 °C, tumble dry low"),
        ),
        "BOOK-BRD": text(
            "Sourdough from first starter to Sunday loaf.",
            "A baker's year in 60 recipes: how to raise a starter, read a dough and bake a "
            "loaf with a blistered crust in a home oven. Step-by-step photographs for every "
            "fold and shape.",
            "The Bread Book, a hardback with a loaf on the cover",
            ("Format", "Hardback, 288 pages"),
            ("Language", "English"),
            ("Published", "2023, Fjord & Field Press"),
            ("Weight", "1.1 kg"),
        ),
        "BOOK-NRD": text(
            "Forty day walks from Skåne to Lapland.",
            "Forty walks of 5 to 25 km, each with a map, the way there by public transport, "
            "where to swim and where to eat. From beech woods in the south to the fells above "
            "the Arctic Circle.",
            "Nordic Walks, a paperback with mountains on the cover",
            ("Format", "Paperback with flaps, 224 pages"),
            ("Language", "English"),
            ("Published", "2024, Fjord & Field Press"),
            ("Maps", "40 route maps, 1:50,000"),
        ),
        "COF-BEAN": text(
            "A washed Ethiopian roast, light and bright.",
            "Heirloom Arabica from smallholders around Yirgacheffe, washed and roasted light "
            "in small batches. Notes of bergamot, apricot and black tea; best as filter "
            "coffee.",
            "A brown paper bag of coffee beans with a coffee bean label",
            ("Origin", "Yirgacheffe, Ethiopia"),
            ("Process", "Washed, light roast"),
            ("Weight", "500 g, whole beans"),
            ("Roasted", "In Gothenburg, within a week of dispatch"),
        ),
        "HNY-WLD": text(
            "Raw honey from a single apiary, 350 g.",
            "Cold-extracted and never heated, from hives at the edge of a wildflower meadow. "
            "It sets to a soft, spoonable cream over a few weeks; that is a sign it is raw.",
            "A jar of golden wildflower honey with a wooden dipper",
            ("Origin", "One apiary in Småland, Sweden"),
            ("Weight", "350 g"),
            ("Ingredients", "Raw wildflower honey"),
            ("Storage", "Cool and dry; not for babies under 12 months"),
        ),
        "CHOC-DRK": text(
            "Bean-to-bar, 100 g.",
            "Made from bean to bar with only cacao and cane sugar: 72 % cacao from one "
            "co-operative in Peru, roasted gently and conched for three days. Red fruit, a "
            "hint of coffee and a long, clean finish.",
            "A bar of dark chocolate in a blue paper wrapper, partly unwrapped",
            ("Cacao", "72 %, Piura, Peru"),
            ("Ingredients", "Cacao beans, cane sugar"),
            ("Weight", "100 g"),
            ("Allergens", "Made where milk and nuts are handled"),
        ),
        "MAG-FLD": text(
            "Walks, recipes and makers from the north, in print every month.",
            "Walks, recipes and makers from the north, in print every month.",
            "Field Journal, a monthly magazine",
        ),
        "TEA-CLUB": text(
            "Three loose-leaf teas a month. Your first box is free.",
            "Three loose-leaf teas a month. Your first box is free.",
            "A green tin of loose-leaf tea",
        ),
    },
    "de": {
        "TEE-ORG": text(
            "Ein schweres T-Shirt aus ungefärbter Bio-Baumwolle.",
            "Aus langstapliger Bio-Baumwolle gestrickt und ungefärbt belassen, so behält es "
            "die warme Farbe der Faser. Der Jersey mit 220 g/m² bleibt Wäsche um Wäsche in "
            "Form, und der eingefasste Ausschnitt leiert nicht aus.",
            "Ein ungefärbtes Baumwoll-T-Shirt von vorn",
            ("Material", "100 % Bio-Baumwolle, 220 g/m²"),
            ("Herkunft", "Gestrickt und genäht in Portugal"),
            ("Passform", "Regulär, fällt normal aus"),
            ("Pflege", "Maschinenwäsche bei 40 °C"),
        ),
        "HOOD-MER": text(
            "Warm, atmungsaktiv und kratzt nicht.",
            "Feine Merinowolle mit 18,5 Mikron, innen angeraut: warm an einem kalten Morgen "
            "und luftig genug für eine lange Wanderung. Merino nimmt keine Gerüche an und muss "
            "viel seltener gewaschen werden als Baumwolle.",
            "Ein schieferblauer Merino-Hoodie mit Kängurutasche",
            ("Material", "100 % Merinowolle, 18,5 Mikron"),
            ("Herkunft", "Wolle aus Neuseeland, gestrickt in Italien"),
            ("Gewicht", "480 g"),
            ("Pflege", "Wollwaschgang bei 30 °C, liegend trocknen"),
        ),
        "SOCK-3PK": text(
            "Drei Paar gerippte Wollsocken.",
            "Gerippte Socken mit gepolsterter Sohle und verstärkter Ferse und Spitze, in drei "
            "melierten Farben. Etwas Nylon hält sie in Form, der Rest ist weiche Lammwolle.",
            "Drei Paar gerippte Wollsocken in Hafer, Rost und Grau",
            ("Material", "80 % Lammwolle, 20 % recyceltes Nylon"),
            ("Herkunft", "Gestrickt in Schweden"),
            ("Größen", "EU 36\u201340 und 41\u201346"),
            ("Pflege", "Wollwaschgang bei 30 °C"),
        ),
        "CAP-CANV": text(
            "Sechs-Panel-Kappe mit verstellbarem Riemen.",
            "Eine Kappe aus gewachstem Baumwoll-Canvas, die einen Schauer abhält und mit jedem "
            "Tragen weicher wird. Die Messingschnalle passt für die meisten Köpfe, der Schirm "
            "hält die Sonne aus den Augen.",
            "Eine olivgrüne Canvas-Kappe mit gebogenem Schirm",
            ("Material", "Gewachster Baumwoll-Canvas, Messingschnalle"),
            ("Herkunft", "Hergestellt in England"),
            ("Größe", "Einheitsgröße, 54\u201360 cm"),
            ("Pflege", "Feucht abwischen, einmal im Jahr nachwachsen"),
        ),
        "MUG-STN": text(
            "Handglasiert, 350 ml, spülmaschinenfest.",
            "Auf der Scheibe gedreht und von Hand in eine gesprenkelte Haferglasur getaucht, "
            "so gleicht keiner ganz dem anderen. Ein großzügiger Henkel, ein schwerer Boden "
            "und Platz für eine richtige Tasse Kaffee.",
            "Ein gesprenkelter cremefarbener Steingutbecher mit rundem Henkel",
            ("Material", "Steingut, lebensmittelechte Glasur"),
            ("Herkunft", "Aus einer Werkstatt in Jütland, Dänemark"),
            ("Inhalt", "350 ml"),
            ("Pflege", "Spülmaschinen- und mikrowellenfest"),
        ),
        "LAMP-DSK": text(
            "Eine warme LED-Leuchte mit schwerem Messingfuß.",
            "Eine kleine Leuchte mit großem Licht: Der Gelenkarm richtet die warme, dimmbare "
            "LED dorthin, wo Sie sie brauchen, der massive Messingfuß hält sie sicher. Das "
            "Textilkabel ist 2 m lang, mit Touch-Dimmer im Fuß.",
            "Eine Schreibtischleuchte aus Messing mit dunkelgrünem Schirm",
            ("Material", "Messingfuß, pulverbeschichteter Stahlschirm"),
            ("Herkunft", "Entworfen in Stockholm, gefertigt in Polen"),
            ("Licht", "6 W LED, 2.700 K, dimmbar"),
            ("Höhe", "42 cm"),
        ),
        "THRW-LIN": text(
            "Stonewashed-Leinen, 130 x 170 cm.",
            "Europäischer Flachs, in Litauen gewebt und so lange stonewashed, bis es fällt wie "
            "ein altes Lieblingsstück. Leicht genug für Sommerabende, warm genug für den "
            "Winter, mit Fransen an den Enden.",
            "Eine gefaltete terrakottafarbene Leinendecke mit Fransen",
            ("Material", "100 % europäisches Leinen"),
            ("Herkunft", "Gewebt in Litauen"),
            ("Größe", "130 \u00d7 170 cm"),
            ("Pflege", "Maschinenwäsche bei 40 °C, Trockner schonend"),
        ),
        "BOOK-BRD": text(
            "Sauerteig vom ersten Ansatz bis zum Sonntagsbrot.",
            "Ein Bäckerjahr in 60 Rezepten: einen Sauerteig ansetzen, einen Teig lesen und im "
            "Haushaltsofen ein Brot mit knuspriger Kruste backen. Schritt-für-Schritt-Fotos zu "
            "jedem Falten und Formen.",
            "The Bread Book, ein gebundenes Buch mit einem Brotlaib auf dem Umschlag",
            ("Format", "Gebunden, 288 Seiten"),
            ("Sprache", "Englisch"),
            ("Erschienen", "2023, Fjord & Field Press"),
            ("Gewicht", "1,1 kg"),
        ),
        "BOOK-NRD": text(
            "Vierzig Tageswanderungen von Schonen bis Lappland.",
            "Vierzig Wanderungen von 5 bis 25 km, jede mit Karte, Anreise mit öffentlichen "
            "Verkehrsmitteln, Badestellen und Einkehrtipps. Von den Buchenwäldern im Süden "
            "bis zu den Fjällen jenseits des Polarkreises.",
            "Nordic Walks, ein Taschenbuch mit Bergen auf dem Umschlag",
            ("Format", "Klappenbroschur, 224 Seiten"),
            ("Sprache", "Englisch"),
            ("Erschienen", "2024, Fjord & Field Press"),
            ("Karten", "40 Routenkarten, 1:50.000"),
        ),
        "COF-BEAN": text(
            "Eine gewaschene äthiopische Röstung, hell und lebendig.",
            "Heirloom-Arabica von Kleinbauern rund um Yirgacheffe, gewaschen und in kleinen "
            "Chargen hell geröstet. Noten von Bergamotte, Aprikose und schwarzem Tee; am "
            "besten als Filterkaffee.",
            "Eine braune Papiertüte Kaffeebohnen mit einem Bohnen-Etikett",
            ("Herkunft", "Yirgacheffe, Äthiopien"),
            ("Aufbereitung", "Gewaschen, helle Röstung"),
            ("Gewicht", "500 g, ganze Bohnen"),
            ("Geröstet", "In Göteborg, höchstens eine Woche vor Versand"),
        ),
        "HNY-WLD": text(
            "Roher Honig von einem einzigen Bienenstand, 350 g.",
            "Kalt geschleudert und nie erhitzt, von Bienenstöcken am Rand einer Blumenwiese. "
            "Er wird in einigen Wochen cremig und streichfähig; das zeigt, dass er roh ist.",
            "Ein Glas goldener Blütenhonig mit einem Honiglöffel aus Holz",
            ("Herkunft", "Ein Bienenstand in Småland, Schweden"),
            ("Gewicht", "350 g"),
            ("Zutaten", "Roher Blütenhonig"),
            ("Lagerung", "Kühl und trocken; nicht für Säuglinge unter 12 Monaten"),
        ),
        "CHOC-DRK": text(
            "Bean-to-Bar, 100 g.",
            "Von der Bohne bis zur Tafel, nur aus Kakao und Rohrzucker: 72 % Kakao von einer "
            "Kooperative in Peru, sanft geröstet und drei Tage conchiert. Rote Früchte, ein "
            "Hauch Kaffee und ein langer, klarer Abgang.",
            "Eine Tafel dunkle Schokolade in blauem Papier, halb ausgepackt",
            ("Kakao", "72 %, Piura, Peru"),
            ("Zutaten", "Kakaobohnen, Rohrzucker"),
            ("Gewicht", "100 g"),
            ("Allergene", "Hergestellt, wo Milch und Nüsse verarbeitet werden"),
        ),
        "MAG-FLD": text(
            "Wanderungen, Rezepte und Handwerk aus dem Norden, jeden Monat gedruckt.",
            "Wanderungen, Rezepte und Handwerk aus dem Norden, jeden Monat gedruckt.",
            "Field Journal, eine Monatszeitschrift",
        ),
        "TEA-CLUB": text(
            "Drei lose Tees im Monat. Ihre erste Box ist kostenlos.",
            "Drei lose Tees im Monat. Ihre erste Box ist kostenlos.",
            "Eine grüne Dose mit losem Tee",
        ),
    },
    "sv": {
        "TEE-ORG": text(
            "En kraftig t-shirt i ofärgad ekologisk bomull.",
            "Stickad av långfibrig ekologisk bomull och lämnad ofärgad, så att den behåller "
            "fiberns varma färg. Trikån på 220 g/m² håller formen tvätt efter tvätt, och den "
            "kantade halsringningen töjer sig inte.",
            "En ofärgad t-shirt i bomull, framifrån",
            ("Material", "100 % ekologisk bomull, 220 g/m²"),
            ("Ursprung", "Stickad och sydd i Portugal"),
            ("Passform", "Normal, sann till storleken"),
            ("Skötsel", "Maskintvätt 40 °C"),
        ),
        "HOOD-MER": text(
            "Varm, andas och kliar inte.",
            "Fin merinoull på 18,5 mikron, borstad på insidan: varm en kall morgon och sval nog "
            "för en lång promenad. Merino tar inte upp lukt och behöver tvättas mycket mer "
            "sällan än bomull.",
            "En skifferblå hoodie i merinoull med magficka",
            ("Material", "100 % merinoull, 18,5 mikron"),
            ("Ursprung", "Ull från Nya Zeeland, stickad i Italien"),
            ("Vikt", "480 g"),
            ("Skötsel", "Ulltvätt 30 °C, torka plant"),
        ),
        "SOCK-3PK": text(
            "Tre par ribbstickade ullstrumpor.",
            "Ribbstickade strumpor med stoppad sula och förstärkt häl och tå, i tre melerade "
            "färger. Lite nylon håller formen; resten är mjuk lammull.",
            "Tre par ribbstickade ullstrumpor i havre, rost och grått",
            ("Material", "80 % lammull, 20 % återvunnen nylon"),
            ("Ursprung", "Stickade i Sverige"),
            ("Storlekar", "EU 36\u201340 och 41\u201346"),
            ("Skötsel", "Ulltvätt 30 °C"),
        ),
        "CAP-CANV": text(
            "Keps i sex paneler med justerbar rem.",
            "En keps i vaxad bomullscanvas som klarar en regnskur och blir mjukare för varje "
            "gång. Mässingsspännet passar de flesta huvuden, och skärmen håller solen borta "
            "från ögonen.",
            "En olivgrön keps i canvas med böjd skärm",
            ("Material", "Vaxad bomullscanvas, mässingsspänne"),
            ("Ursprung", "Tillverkad i England"),
            ("Storlek", "En storlek, 54\u201360 cm"),
            ("Skötsel", "Torka av; vaxa om en gång om året"),
        ),
        "MUG-STN": text(
            "Handglaserad, 350 ml, tål diskmaskin.",
            "Dreijad och doppad för hand i en prickig havreglasyr, så att ingen är den andra "
            "helt lik. Ett rejält handtag, en tung botten som står stadigt och plats för en "
            "ordentlig kopp kaffe.",
            "En prickig gräddvit mugg i stengods med runt handtag",
            ("Material", "Stengods, livsmedelsgodkänd glasyr"),
            ("Ursprung", "Från en verkstad på Jylland, Danmark"),
            ("Volym", "350 ml"),
            ("Skötsel", "Tål diskmaskin och mikrovågsugn"),
        ),
        "LAMP-DSK": text(
            "En varm LED-lampa med tung fot i mässing.",
            "En liten lampa med mycket ljus: den ledade armen riktar den varma, dimbara "
            "LED-lampan dit du behöver den, och den massiva mässingsfoten håller den stadig. "
            "Textilsladden är 2 m lång, med touchdimmer i foten.",
            "En skrivbordslampa i mässing med mörkgrön skärm",
            ("Material", "Fot i mässing, pulverlackerad stålskärm"),
            ("Ursprung", "Formgiven i Stockholm, tillverkad i Polen"),
            ("Ljus", "6 W LED, 2 700 K, dimbar"),
            ("Höjd", "42 cm"),
        ),
        "THRW-LIN": text(
            "Stentvättat linne, 130 x 170 cm.",
            "Europeiskt lin, vävt i Litauen och stentvättat tills det faller som en gammal "
            "favorit. Lätt nog för sommarkvällar, varm nog att lägga på lager om vintern, med "
            "fransar i ändarna.",
            "En vikt terrakottafärgad linnepläd med fransar",
            ("Material", "100 % europeiskt linne"),
            ("Ursprung", "Vävd i Litauen"),
            ("Storlek", "130 \u00d7 170 cm"),
            ("Skötsel", "Maskintvätt 40 °C, torktumla lågt"),
        ),
        "BOOK-BRD": text(
            "Surdeg från första grunden till söndagslimpan.",
            "Ett bagarår i 60 recept: hur du startar en surdegsgrund, läser en deg och bakar "
            "ett bröd med bubblig skorpa i en vanlig ugn. Bilder steg för steg till varje "
            "vikning och formning.",
            "The Bread Book, en inbunden bok med en limpa på omslaget",
            ("Format", "Inbunden, 288 sidor"),
            ("Språk", "Engelska"),
            ("Utgiven", "2023, Fjord & Field Press"),
            ("Vikt", "1,1 kg"),
        ),
        "BOOK-NRD": text(
            "Fyrtio dagsvandringar från Skåne till Lappland.",
            "Fyrtio vandringar på 5 till 25 km, var och en med karta, resväg med kollektivtrafik, "
            "badplatser och var man äter. Från bokskogarna i söder till fjällen norr om "
            "polcirkeln.",
            "Nordic Walks, en pocketbok med berg på omslaget",
            ("Format", "Häftad med flikar, 224 sidor"),
            ("Språk", "Engelska"),
            ("Utgiven", "2024, Fjord & Field Press"),
            ("Kartor", "40 ledkartor, 1:50 000"),
        ),
        "COF-BEAN": text(
            "Tvättat etiopiskt kaffe, ljust och friskt.",
            "Heirloom-arabica från småbönder runt Yirgacheffe, tvättat och ljusrostat i små "
            "satser. Toner av bergamott, aprikos och svart te; bäst som bryggkaffe.",
            "En brun papperspåse med kaffebönor och en etikett med en böna",
            ("Ursprung", "Yirgacheffe, Etiopien"),
            ("Beredning", "Tvättat, ljusrost"),
            ("Vikt", "500 g, hela bönor"),
            ("Rostat", "I Göteborg, högst en vecka före leverans"),
        ),
        "HNY-WLD": text(
            "Rå honung från en enda bigård, 350 g.",
            "Kallslungad och aldrig uppvärmd, från kupor i kanten av en blomsteräng. Den blir "
            "krämig och lätt att breda på några veckor; det är ett tecken på att den är rå.",
            "En burk gyllene blomsterhonung med en honungsslev i trä",
            ("Ursprung", "En bigård i Småland"),
            ("Vikt", "350 g"),
            ("Ingredienser", "Rå blomsterhonung"),
            ("Förvaring", "Svalt och torrt; inte till barn under 12 månader"),
        ),
        "CHOC-DRK": text(
            "Bean-to-bar, 100 g.",
            "Gjord från böna till kaka av bara kakao och rörsocker: 72 % kakao från ett "
            "kooperativ i Peru, varsamt rostad och conchad i tre dagar. Röda bär, en aning "
            "kaffe och en lång, ren eftersmak.",
            "En kaka mörk choklad i blått papper, delvis uppvikt",
            ("Kakao", "72 %, Piura, Peru"),
            ("Ingredienser", "Kakaobönor, rörsocker"),
            ("Vikt", "100 g"),
            ("Allergener", "Tillverkad där mjölk och nötter hanteras"),
        ),
        "MAG-FLD": text(
            "Vandringar, recept och hantverkare från norr, i tryck varje månad.",
            "Vandringar, recept och hantverkare från norr, i tryck varje månad.",
            "Field Journal, en månadstidning",
        ),
        "TEA-CLUB": text(
            "Tre teer i lösvikt i månaden. Din första låda är gratis.",
            "Tre teer i lösvikt i månaden. Din första låda är gratis.",
            "En grön burk med te i lösvikt",
        ),
    },
}


class CouponSeed(TypedDict):
    """One demo coupon: its kind and dates, and per market (amount off, minimum subtotal)."""

    code: str
    kind: str
    percent_off_bp: int
    valid_from: date
    valid_until: date | None
    terms: dict[str, tuple[int, int]]


DEMO_COUPONS: tuple[CouponSeed, ...] = (
    CouponSeed(
        code="WELCOME10",
        kind="percent",
        percent_off_bp=1000,
        valid_from=date(2024, 1, 1),
        valid_until=None,
        terms={"US": (0, 3000), "GB": (0, 2500), "DE": (0, 3000), "SE": (0, 30000)},
    ),
    CouponSeed(
        code="TAKE10",
        kind="fixed_amount",
        percent_off_bp=0,
        valid_from=date(2024, 1, 1),
        valid_until=None,
        terms={"US": (1000, 6000), "GB": (800, 5000), "DE": (1000, 6000), "SE": (10000, 60000)},
    ),
    CouponSeed(
        code="FREESHIP",
        kind="free_shipping",
        percent_off_bp=0,
        valid_from=date(2024, 1, 1),
        valid_until=None,
        terms={"US": (0, 2500), "GB": (0, 2000), "DE": (0, 2500), "SE": (0, 25000)},
    ),
    # Expired on purpose: the demo shows how the shop refuses an out-of-date coupon.
    CouponSeed(
        code="SUMMER24",
        kind="percent",
        percent_off_bp=2000,
        valid_from=date(2024, 6, 1),
        valid_until=date(2024, 8, 31),
        terms={"US": (0, 0), "GB": (0, 0), "DE": (0, 0), "SE": (0, 0)},
    ),
)
