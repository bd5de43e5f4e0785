import XCTest

@testable import WinnowCore
@testable import WinnowStages

/// The furniture tables (class/id words, whole-block phrases, headings that open link lists,
/// credit and update lines) in the languages of most non-English pages: a page in German,
/// French or Spanish is read as its English twin, block for block.
final class LocalisedFurnitureTests: XCTestCase {
    /// One news page's parts in a language: its prose, and the furniture around it.
    private struct Twin {
        var published, advertisement, share, alsoRead, copyright, commentsClass, commentsHeading: String
        var paragraphs: [String]
        var teasers: [String]
        var comments: [String]
    }

    private func page(_ t: Twin) -> String {
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title><meta property="og:type" content="article"></head><body>
        <header><a href="/">Site</a></header><div><article><h1>\(t.paragraphs[0].prefix(40))</h1>
        <p>\(t.published)</p><p>\(t.paragraphs[0])</p><p>\(t.advertisement)</p><p>\(t.paragraphs[1])</p><p>\(t.paragraphs[2])</p>
        <p>\(t.share)</p><h2>\(t.alsoRead)</h2><ul>\(t.teasers.map { "<li><p>\($0)</p></li>" }.joined())</ul></article>
        <section class="\(t.commentsClass)"><h2>\(t.commentsHeading)</h2>\(t.comments.map { "<div class=\"\(t.commentsClass)\"><p>\($0)</p></div>" }.joined())</section>
        </div><footer><p>© 2025 Site. \(t.copyright)</p></footer></body></html>
        """
    }

    private let english = Twin(
        published: "Published March 3, 2025", advertisement: "Advertisement", share: "Share this article", alsoRead: "You might also like",
        copyright: "All rights reserved.", commentsClass: "comments", commentsHeading: "Comments",
        paragraphs: [
            "The city council decided on Tuesday to build twelve kilometres of new cycle lanes in the centre by 2027, for about eight million euros.",
            "According to the administration, the main routes between the station and the university will be rebuilt first, after repeated accidents.",
            "The opposition criticised the schedule as too slow. A spokesman said other cities had completed similar projects in half the time.",
        ],
        teasers: [
            "New bus timetable from April: what changes for commuters and which lines are dropped", "Roadworks on the market square take longer",
        ],
        comments: [
            "Finally! I cycle to work every day and have wanted this for a long time, even if it comes late.",
            "Eight million euros for a few cycle lanes seems excessive to me. The money is badly needed for schools and for the swimming pool, which has been closed for two years now.",
        ])

    private let others = [
        Twin(
            published: "Veröffentlicht am 3. März 2025", advertisement: "Anzeige", share: "Artikel teilen",
            alsoRead: "Das könnte Sie auch interessieren",
            copyright: "Alle Rechte vorbehalten.", commentsClass: "kommentare", commentsHeading: "Kommentare",
            paragraphs: [
                "Der Stadtrat hat am Dienstag beschlossen, bis 2027 zwölf Kilometer neue Radwege in der Innenstadt anzulegen, für rund acht Millionen Euro.",
                "Nach Angaben der Verwaltung werden zuerst die Hauptachsen zwischen Bahnhof und Universität umgebaut, nach wiederholten Unfällen.",
                "Die Opposition kritisierte den Zeitplan als zu langsam. Andere Städte hätten ähnliche Projekte in der Hälfte der Zeit umgesetzt.",
            ],
            teasers: [
                "Neuer Busfahrplan ab April: Was sich für Pendler ändert und welche Linien wegfallen", "Baustelle am Marktplatz dauert länger",
            ],
            comments: [
                "Endlich! Ich fahre jeden Tag mit dem Rad zur Arbeit und habe mir das schon lange gewünscht.",
                "Acht Millionen Euro für ein paar Radwege halte ich für übertrieben. Das Geld fehlt dringend für Schulen und für das Schwimmbad, das seit zwei Jahren geschlossen ist.",
            ]),
        Twin(
            published: "Publié le 3 mars 2025", advertisement: "Publicité", share: "Partager", alsoRead: "À lire aussi",
            copyright: "Tous droits réservés.", commentsClass: "commentaires", commentsHeading: "Commentaires",
            paragraphs: [
                "Le conseil municipal a décidé mardi de créer douze kilomètres de nouvelles pistes cyclables au centre d'ici 2027, pour huit millions d'euros.",
                "Selon l'administration, les axes principaux entre la gare et l'université seront refaits en premier, après plusieurs accidents.",
                "L'opposition a jugé le calendrier trop lent. Un porte-parole a affirmé que d'autres villes avaient fait de même en deux fois moins de temps.",
            ],
            teasers: [
                "Nouveaux horaires de bus en avril : ce qui change pour les navetteurs et les lignes supprimées", "Le chantier de la place dure",
            ],
            comments: [
                "Enfin ! Je vais au travail à vélo tous les jours et j'attendais cela depuis longtemps.",
                "Huit millions d'euros pour quelques pistes me semble excessif. Cet argent manque cruellement pour les écoles et pour la piscine, fermée depuis deux ans déjà.",
            ]),
        Twin(
            published: "Publicado el 3 de marzo de 2025", advertisement: "Publicidad", share: "Compartir", alsoRead: "Te puede interesar",
            copyright: "Todos los derechos reservados.", commentsClass: "comentarios", commentsHeading: "Comentarios",
            paragraphs: [
                "El ayuntamiento decidió el martes construir doce kilómetros de nuevos carriles bici en el centro antes de 2027, por unos ocho millones de euros.",
                "Según la administración, primero se reformarán los ejes principales entre la estación y la universidad, tras varios accidentes.",
                "La oposición criticó el calendario por lento. Un portavoz dijo que otras ciudades habían hecho proyectos similares en la mitad de tiempo.",
            ],
            teasers: [
                "Nuevo horario de autobuses en abril: qué cambia para quienes viajan a diario y qué líneas desaparecen",
                "Las obras de la plaza se alargan",
            ],
            comments: [
                "¡Por fin! Voy al trabajo en bici todos los días y lo esperaba desde hace mucho tiempo.",
                "Ocho millones de euros para unos carriles bici me parece excesivo. Ese dinero hace mucha falta para las escuelas y para la piscina, cerrada desde hace dos años.",
            ]),
    ]

    /// A page cleaned, segmented and extracted by `method`.
    private func extract(_ html: String, _ method: ExtractMethod = .model) throws -> (page: SegmentedPage, extraction: Extraction) {
        let page = Segmenter().segment(try Cleaner().clean(Array(html.utf8), contentType: nil))
        var settings = ExtractSettings()
        settings.method = method
        return (page, try Extractor(settings: settings).extract(page, url: nil))
    }

    /// The indices of the blocks each method keeps.
    private func kept(_ twin: Twin, _ method: ExtractMethod) throws -> [Int] {
        let (page, extraction) = try extract(self.page(twin), method)
        let lines = Set(extraction.text.split(separator: "\n").map(String.init))
        return page.blocks.indices.filter { lines.contains(page.blocks[$0].text) }
    }

    func testAPageInAnotherLanguageIsReadAsItsEnglishTwin() throws {
        let rules = try kept(english, .rules)
        XCTAssertEqual(rules.count, 3, "the rules keep the three paragraphs of the English page")
        for twin in others {
            XCTAssertEqual(try kept(twin, .rules), rules, twin.advertisement)
        }
    }

    func testTheDateUnderTheHeadlineIsReadInEveryLanguage() throws {
        for twin in [english] + others {
            XCTAssertEqual(try extract(self.page(twin)).extraction.datePublished, "2025-03-03", twin.published)
        }
    }

    /// "Werbung", "Publicidad": the word for advertising heads sections about it, so it does not
    /// open furniture the way "Advertisement" does; alone in its block it is still the ad label.
    func testASectionAboutAdvertisingIsKept() throws {
        for (heading, paragraph) in [
            ("Werbung im Netz", "Die Ausgaben für Werbung im Netz sind im vergangenen Jahr um zwölf Prozent gestiegen, vor allem bei kurzen Videos."),
            ("Publicidad digital", "La inversión en publicidad digital creció un doce por ciento el año pasado, sobre todo en vídeos cortos."),
        ] {
            let html = """
                <html><head><meta property="og:type" content="article"></head><body><article><h1>Der Markt 2025</h1>
                <p>\(english.paragraphs[0])</p><p>\(english.paragraphs[1])</p><h2>\(heading)</h2><p>\(paragraph)</p>
                <p>\(english.paragraphs[2])</p></article></body></html>
                """
            XCTAssertTrue(try extract(html, .rules).extraction.text.contains(paragraph), heading)
        }
    }

    func testCommentsAreLeftOutInEveryLanguage() throws {
        for twin in [english] + others {
            for method in ExtractMethod.allCases {
                let text = try extract(self.page(twin), method).extraction.text
                XCTAssertTrue(text.contains(twin.paragraphs[1]), "\(twin.commentsClass) \(method)")
                for comment in twin.comments { XCTAssertFalse(text.contains(comment), "\(twin.commentsClass) \(method): \(comment)") }
            }
        }
    }
}
