// Compiles each Jenkinsfile given as an argument with Groovy's own compiler, then runs its
// declarative `pipeline {}` block against a recording stand-in of the Jenkins DSL (a simulation of
// Jenkins, not Jenkins): every stage's `sh` scripts, branch and tag patterns, input message, locks
// and credential bindings are printed as the strings Groovy made of the literals, one JSON line per file:
// {"file": ..., "stages": [...]} or {"file": ..., "error": "<the compiler's message>"}.
import groovy.json.JsonOutput
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.MultipleCompilationErrorsException

abstract class DeclarativeRecorder extends Script {
  List stages = []
  Map current = null
  Map env = [TAG_NAME: null, CHANGE_ID: null, BRANCH_NAME: 'main']

  void within(Closure body) {
    body.delegate = this
    body.resolveStrategy = Closure.DELEGATE_FIRST
    body.call()
  }
  def pipeline(Closure body) { within(body) }
  def stage(String name, Closure body) {
    Map outer = current
    current = [name: name, sh: [], patterns: [], branches: [], credentials: [], locks: [], input: null, parent: outer?.name]
    stages << current
    within(body)
    current = outer
  }
  def sh(String script) { current.sh << script }
  def branch(String name) { current.branches << name }
  def branch(Map options) { current.patterns << [kind: 'branch', pattern: options.pattern, comparator: options.comparator] }
  def tag(Map options) { current.patterns << [kind: 'tag', pattern: options.pattern, comparator: options.comparator] }
  def message(String text) { current.input = text }
  def lock(Map options) { current.locks << options.resource }
  def withCredentials(List bindings, Closure body) { current.credentials.addAll(bindings); within(body) }
  def string(Map binding) { binding }
  def usernamePassword(Map binding) { binding }
  // Blocks (agent, environment, steps, when, post, parallel...) run their closures; other steps are ignored.
  def methodMissing(String name, Object args) {
    for (arg in (args as Object[])) if (arg instanceof Closure) within(arg)
    null
  }
  def propertyMissing(String name) { name }
}

def config = new CompilerConfiguration()
config.scriptBaseClass = DeclarativeRecorder.name
for (path in args) {
  def text = new File(path).getText('UTF-8')
  try {
    def script = new GroovyShell(this.class.classLoader, new Binding(), config).parse(text, 'Jenkinsfile')
    script.run()
    println JsonOutput.toJson([file: path, stages: script.stages])
  } catch (MultipleCompilationErrorsException e) {
    println JsonOutput.toJson([file: path, error: e.message])
  }
}
