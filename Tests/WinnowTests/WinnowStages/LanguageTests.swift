import XCTest

@testable import Winnow
@testable import WinnowCore
@testable import WinnowDedup
@testable import WinnowDistributed
@testable import WinnowFetch
@testable import WinnowReport
@testable import WinnowStages

/// Language identification with CLD2 on texts in 16 languages and 10 scripts (written for these
/// tests), and the language stage's filter.
final class LanguageTests: XCTestCase {
    static let samples: [(String, String)] = [
        (
            "en",
            "The council met on Tuesday evening to discuss the new budget for the public library. Most members agreed that the opening hours should be extended during the winter months."
        ),
        (
            "de",
            "Der Gemeinderat hat am Dienstagabend über den neuen Haushalt der Stadtbibliothek beraten. Die meisten Mitglieder waren sich einig, dass die Öffnungszeiten im Winter verlängert werden sollen."
        ),
        (
            "fr",
            "Le conseil municipal s'est réuni mardi soir pour discuter du nouveau budget de la bibliothèque. La plupart des membres ont convenu que les horaires d'ouverture devraient être prolongés en hiver."
        ),
        (
            "es",
            "El ayuntamiento se reunió el martes por la noche para hablar del nuevo presupuesto de la biblioteca pública. La mayoría de los miembros estuvo de acuerdo en ampliar el horario durante el invierno."
        ),
        (
            "it",
            "Il consiglio comunale si è riunito martedì sera per discutere il nuovo bilancio della biblioteca pubblica. La maggior parte dei membri ha concordato che l'orario di apertura dovrebbe essere esteso in inverno."
        ),
        (
            "pt",
            "A câmara municipal reuniu-se na terça-feira à noite para discutir o novo orçamento da biblioteca pública. A maioria dos membros concordou que o horário de funcionamento deve ser alargado no inverno."
        ),
        (
            "nl",
            "De gemeenteraad kwam dinsdagavond bijeen om de nieuwe begroting van de openbare bibliotheek te bespreken. De meeste leden waren het erover eens dat de openingstijden in de winter langer moeten worden."
        ),
        (
            "pl",
            "Rada miejska zebrała się we wtorek wieczorem, aby omówić nowy budżet biblioteki publicznej. Większość członków zgodziła się, że godziny otwarcia powinny zostać wydłużone w miesiącach zimowych."
        ),
        (
            "ru",
            "Городской совет собрался во вторник вечером, чтобы обсудить новый бюджет публичной библиотеки. Большинство членов совета согласились, что зимой библиотека должна работать дольше."
        ),
        (
            "el",
            "Το δημοτικό συμβούλιο συνεδρίασε την Τρίτη το βράδυ για να συζητήσει τον νέο προϋπολογισμό της δημόσιας βιβλιοθήκης. Τα περισσότερα μέλη συμφώνησαν ότι το ωράριο πρέπει να επεκταθεί τον χειμώνα."
        ),
        (
            "ar",
            "اجتمع المجلس البلدي مساء الثلاثاء لمناقشة الميزانية الجديدة للمكتبة العامة. واتفق معظم الأعضاء على ضرورة تمديد ساعات العمل خلال أشهر الشتاء."
        ),
        (
            "he",
            "מועצת העיר התכנסה ביום שלישי בערב כדי לדון בתקציב החדש של הספרייה הציבורית. רוב החברים הסכימו ששעות הפתיחה צריכות להתארך בחודשי החורף."
        ),
        (
            "hi",
            "नगर परिषद ने मंगलवार शाम को सार्वजनिक पुस्तकालय के नए बजट पर चर्चा करने के लिए बैठक की। अधिकांश सदस्य इस बात पर सहमत थे कि सर्दियों के महीनों में पुस्तकालय के खुलने का समय बढ़ाया जाना चाहिए।"
        ),
        ("zh", "市议会星期二晚上开会讨论公共图书馆的新预算。大多数议员同意在冬季的几个月里延长图书馆的开放时间，让更多的居民可以在下班以后借书和学习。"),
        ("ja", "市議会は火曜日の夜に会合を開き、公立図書館の新しい予算について話し合いました。ほとんどの議員は、冬の間は開館時間を延長するべきだという意見で一致しました。"),
        ("ko", "시의회는 화요일 저녁에 모여 공공 도서관의 새 예산에 대해 논의했습니다. 대부분의 의원들은 겨울철에는 도서관 개방 시간을 늘려야 한다는 데 동의했습니다."),
        ("th", "สภาเมืองได้ประชุมกันเมื่อเย็นวันอังคารเพื่อหารือเกี่ยวกับงบประมาณใหม่ของห้องสมุดประชาชน สมาชิกส่วนใหญ่เห็นด้วยว่าควรขยายเวลาเปิดทำการในช่วงฤดูหนาว"),
    ]

    func testIdentifiesSixteenLanguagesInTenScripts() {
        for (expected, text) in Self.samples {
            let guess = LanguageIdentifier.identify(text)
            XCTAssertEqual(guess.code, expected, "\(expected): \(text.prefix(40))")
            XCTAssertGreaterThan(guess.score, 0.8, expected)
        }
    }

    func testUnknownForTextWithoutLanguage() {
        XCTAssertNil(LanguageIdentifier.identify("12345 67890 --- *** 42").code)
        XCTAssertNil(LanguageIdentifier.identify("").code)
    }

    func testCLD2CodesMappedToISO6391() {
        XCTAssertEqual(LanguageIdentifier.isoCode("iw"), "he")
        XCTAssertEqual(LanguageIdentifier.isoCode("zh-Hant"), "zh")
        XCTAssertNil(LanguageIdentifier.isoCode("un"))
        XCTAssertNil(LanguageIdentifier.isoCode("xx-Copt"))
    }

    func testCutAtCharacterBoundary() {
        // A cut inside a multi-byte character must not reach CLD2.
        let text = String(repeating: "Городской совет собрался во вторник. ", count: 50)
        for limit in 60...70 { XCTAssertEqual(LanguageIdentifier.identify(text, maxBytes: limit).code, "ru") }
    }

    func testFilterKeepsListedLanguagesAndAnnotatesTheRest() {
        var settings = LanguageSettings()
        settings.mode = .filter
        settings.languages = ["de", "fr"]
        var german = Extraction(text: Self.samples[1].1)
        german.languageDeclared = "en" // a wrong declaration does not matter
        XCTAssertNil(LanguageIdentifier.apply(settings, to: &german))
        XCTAssertEqual(german.language, "de")
        var english = Extraction(text: Self.samples[0].1)
        XCTAssertEqual(LanguageIdentifier.apply(settings, to: &english)?.reason, .languageNotKept)
        var nothing = Extraction(text: "1234 5678")
        XCTAssertEqual(LanguageIdentifier.apply(settings, to: &nothing)?.reason, .languageUnknown)
        settings.mode = .annotate
        XCTAssertNil(LanguageIdentifier.apply(settings, to: &english))
        XCTAssertEqual(english.language, "en")
    }

    func testMinimumScore() {
        var settings = LanguageSettings()
        settings.mode = .filter
        settings.minScore = 0.9
        // Half English, half German: neither language has 90% of the text.
        var mixed = Extraction(text: Self.samples[0].1 + "\n" + Self.samples[1].1)
        XCTAssertEqual(LanguageIdentifier.apply(settings, to: &mixed)?.reason, .languageLowScore)
        XCTAssertLessThan(mixed.languageScore ?? 1, 0.9)
    }
}
