using System.Xml.Linq;

namespace Parity.Cli.Reports;

/// <summary>junit.xml: one test suite per spec, one test case per check, so CI test reporters show Parity's verdicts.</summary>
public static class JunitReport
{
    public static XElement Suite(SpecResult result)
    {
        var cases = ReportDocument.VerdictsOf(result).Select(v => (Name: v.Check, v.Passed, Message: v.Failure)).ToList();
        return new XElement("testsuite",
            new XAttribute("name", result.Spec), new XAttribute("tests", cases.Count), new XAttribute("failures", cases.Count(c => !c.Passed)),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "engine"), new XAttribute("value", result.Engine)),
                new XElement("property", new XAttribute("name", "reference"), new XAttribute("value", result.Reference))),
            cases.Select(c => new XElement("testcase", new XAttribute("classname", $"parity.{result.Spec}"), new XAttribute("name", c.Name),
                c.Passed ? null : new XElement("failure", new XAttribute("message", c.Message.Length > 0 ? c.Message : c.Name + " failed")))));
    }

    public static string Write(IEnumerable<SpecResult> results)
    {
        var suites = results.Select(Suite).ToList();
        var root = suites.Count == 1 ? suites[0] : new XElement("testsuites", suites);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root + "\n";
    }
}
