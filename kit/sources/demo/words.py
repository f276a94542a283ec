"""The demo's word lists: first and last names, stage and band words, song-title words.

Made-up names only, by language (Italian, English, Spanish, Portuguese, French, German,
Swedish). A list is one string, words separated by spaces or, where a word has spaces,
by "|". Changing a list changes every generated name and title after it.
"""

from __future__ import annotations

FIRST_NAMES = {
    "it": "Marco Giulia Luca Chiara Matteo Sara Davide Elisa Andrea Federica Simone Martina "
    "Pietro Irene Tommaso Alessia Riccardo Noemi Edoardo Beatrice Lorenzo Arianna Filippo Greta",
    "en": "Jack Olivia Noah Emma Liam Ava Mason Grace Ethan Chloe Leo Ruby Caleb Maya Owen "
    "Hazel Miles Ivy Jonah Nora Felix Piper Reid Sadie",
    "es": "Alejandro Lucía Diego Valentina Mateo Camila Pablo Sofía Javier Daniela Nicolás "
    "Paula Iker Carla Hugo Alba Marcos Rocío Sergio Ximena",
    "pt": "João Ana Gabriel Beatriz Lucas Mariana Rafael Larissa Thiago Bruna Bruno Letícia "
    "Caio Júlia Vitor Bianca",
    "fr": "Louis Léa Manon Jules Inès Arthur Zoé Théo Clara Nathan Jade Gabin Lou Victor "
    "Margaux Basile",
    "de": "Lukas Lena Jonas Mia Paul Hannah Finn Lea Elias Emilia Moritz Niklas Johanna "
    "Anton Frieda Greta",
    "sv": "Elsa Oskar Alva Hugo Saga Axel Maja Viktor Ebba Nils Tilde Albin Wilma Ludvig Freja Arvid",
}
LAST_NAMES = {
    "it": "Bellandi Ferraro Lombardi Rinaldi Caruso Marchetti Galli Colombo Serra Vitale Fabbri "
    "Moretti Sartori Pellegrini Guidi Donati Orlandi Testa Neri Basile Farina Palumbo Cattaneo",
    "en": "Parker Hayes Collins Brooks Foster Reed Bennett Gray Hughes Price Ward Sullivan "
    "Porter Hale Monroe Sutton Lane Carver Whitley Ellis Maddox Quinn Fletcher Rowe",
    "es": "García Morales Herrera Castillo Navarro Romero Vidal Ortega Delgado Cruz Molina "
    "Rubio Santos Vega Campos Ibarra Pardo Salas",
    "pt": "Silva Souza Oliveira Costa Almeida Ribeiro Carvalho Lima Barbosa Rocha Teixeira "
    "Moura Araújo Pinheiro Mendes Cardoso",
    "fr": "Martin Bernard Dubois Lefèvre Moreau Laurent Fournier Girard Bonnet Mercier Blanc "
    "Guérin Faure Rousseau Chevalier Roux",
    "de": "Becker Hoffmann Wagner Schulz Koch Richter Klein Wolf Neumann Schwarz Zimmermann "
    "Krüger Hartmann Lange Vogel Brandt",
    "sv": "Lindqvist Berg Ekström Holm Sjöberg Nyström Lund Dahl Forsberg Wallin Engström "
    "Strand Björk Hedlund Sandberg Lindgren",
}
STAGE_PREFIXES = "Lil|Young|DJ|MC|Baby|Big".split("|")
STAGE_WORDS = (
    "Nebbia|Cobalto|Riva|Vortex|Sable|Kairo|Nova|Pixel|Kobra|Zaffiro|Maru|Tempo|Rayo|Onda|"
    "Nimbus|Ferro|Quasar|Brezza|Sombra|Lumen|Vesper|Orbit|Santo|Jinx"
).split("|")
BAND_ADJECTIVES = "Velvet|Paper|Neon|Silver|Crimson|Lonely|Electric|Golden|Hollow|Northern".split(
    "|"
)
BAND_NOUNS = "Foxes|Satellites|Harbours|Comets|Lanterns|Tides|Pilots|Orchards|Parades".split("|")

TITLE_WORDS = {
    "it": {
        "phrase": "Non ci penso più|Ti porto via|Ancora un po'|Fuori orario|Mille volte|Resta qui|"
        "Tutto torna|Dimmi di sì|Fino all'alba|Balla con me|Da capo|A mezzanotte|Senza fare "
        "rumore|Chiamami stanotte|Ultimo treno|Vieni via|Lontano da qui|Giorni migliori|Amore "
        "a metà|Sulla luna|Come le onde|Niente di che|Piano piano|Tra le nuvole|Ci vediamo a "
        "Milano|Estate infinita|Notti bianche|Cuore di vetro",
        "noun": "Notte|Luna|Mare|Estate|Cuore|Strada|Città|Vento|Fuoco|Pioggia|Stelle|Sogni|"
        "Parole|Lacrime|Baci|Occhi|Tramonto|Polvere|Ombra|Sole|Domenica|Venere|Motorino|"
        "Tempesta|Silenzio|Bugie|Rose|Periferia|Maree|Sabbia|Fulmini|Cometa|Asfalto|Vertigine|"
        "Ossigeno|Febbre|Ghiaccio|Miele",
        "templates": (
            (0.4, "{}", "phrase"),
            (0.15, "{}", "noun"),
            (0.2, "{} di {}", "noun", "noun"),
        )
        + ((0.08, "Senza {}", "noun"), (0.17, "{} e {}", "noun", "noun")),
    },
    "en": {
        "phrase": "Call Me When You Land|Stay the Night|Don't Look Back|All We Had|Out of Time|"
        "Say It Again|Nobody Knows|Hold On Tight|Run Away With Me|Too Late Now|Back to You|"
        "Somewhere New|Tell Me Why|Before the Sun|One More Summer|Under My Skin|Fall Apart|"
        "Keep Me Warm|Weekend Lover|Waiting Room|Slow Motion|Overthinking|Little Victories",
        "adj": "Golden|Electric|Broken|Neon|Silver|Wild|Lonely|Paper|Velvet|Quiet|Crimson|Faded|"
        "Endless|Sweet|Cold|Burning|Hollow|Lucky|Heavy|Secret|Fragile|Midnight|Northern",
        "noun": "Hearts|Highway|Lights|Sky|Rain|Ghosts|Fire|Dreams|Roses|Waves|City|Letters|"
        "Echoes|Diamonds|Shadows|Gravity|Thunder|Satellites|Mirrors|Horizon|Heartbeat|"
        "Daylight|Motel|Ocean",
        "templates": ((0.45, "{}", "phrase"), (0.35, "{} {}", "adj", "noun"), (0.12, "{}", "noun"))
        + ((0.08, "No More {}", "noun"),),
    },
    "es": {
        "phrase": "Dime Que Sí|Otra Vez|Hasta el Amanecer|Sin Ti|Quédate Aquí|Te Vi Pasar|"
        "Mil Razones|No Me Olvides|Una Noche Más|Vuelve Pronto|Entre Tú y Yo|Perreo Lento|"
        "Fuego Lento|Amor de Verano|Nadie Como Tú|Corazón Roto",
        "noun": "Noche|Fuego|Corazón|Luna|Playa|Besos|Calle|Verano|Mentiras|Lágrimas|Cielo|"
        "Marea|Tormenta|Ciudad|Sueños|Veneno|Azúcar|Sombra|Locura|Madrugada",
        "templates": (
            (0.45, "{}", "phrase"),
            (0.2, "{}", "noun"),
            (0.25, "{} de {}", "noun", "noun"),
        )
        + ((0.1, "Sin {}", "noun"),),
    },
    "pt": {
        "phrase": "Vem Comigo|Fica Aqui|Só Mais Uma Vez|Deixa Acontecer|Sem Você|Até o Sol "
        "Nascer|Meu Lugar|Tudo Bem|Volta Pra Mim|Noite Inteira|Sei Lá|Me Liga",
        "noun": "Saudade|Coração|Praia|Noite|Beijo|Lua|Mar|Verão|Cidade|Sonho|Fogo|Chuva|"
        "Estrela|Segredo|Paixão|Baile|Sereia|Carnaval",
        "templates": (
            (0.5, "{}", "phrase"),
            (0.2, "{}", "noun"),
            (0.3, "{} de {}", "noun", "noun"),
        ),
    },
    "fr": {
        "phrase": "Reste encore|Dis-moi oui|Plus jamais|Toute la nuit|Sans toi|Je reviendrai|"
        "Mon amour|Comme avant|Loin d'ici|À demain|Encore une fois",
        "noun": "Nuit|Cœur|Lune|Mer|Été|Ville|Rêves|Larmes|Étoiles|Ciel|Orage|Soleil|Silence|"
        "Vertige|Lumière|Horizon",
        "templates": ((0.5, "{}", "phrase"), (0.25, "{}", "noun"), (0.1, "Sans {}", "noun"))
        + ((0.15, "{} et {}", "noun", "noun"),),
    },
    "de": {
        "phrase": "Bleib bei mir|Für immer|Nie wieder|Die ganze Nacht|Ohne dich|Alles gut|"
        "Komm zurück|Weit weg|Noch einmal|Kopf hoch",
        "noun": "Nacht|Herz|Mond|Meer|Sommer|Stadt|Träume|Regen|Feuer|Sterne|Himmel|Sturm|"
        "Wolken|Licht",
        "templates": (
            (0.55, "{}", "phrase"),
            (0.25, "{}", "noun"),
            (0.2, "{} und {}", "noun", "noun"),
        ),
    },
}
NAME_LANGUAGES = tuple(FIRST_NAMES)  # name languages; titles: sv → en
