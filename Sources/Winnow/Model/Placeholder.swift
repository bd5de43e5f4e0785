import WinnowHTML
